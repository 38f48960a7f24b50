// The canned scenarios as a list of buttons, shared by the Config and Checks panels.
import { SCENARIOS, runScenario } from '../store/scenarios';

export function ScenarioList() {
  return (
    <ul className="scenarios">
      {SCENARIOS.map((sc) => (
        <li key={sc.id}>
          <button type="button" className="btn small" onClick={() => runScenario(sc.id)}>
            {sc.title}
          </button>
          <span className="muted"> {sc.summary}</span>
        </li>
      ))}
    </ul>
  );
}
