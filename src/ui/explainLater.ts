// The first screen's door to the event explanations: headless they are there at once; in the page they load with the engine (store/sim.ts loadWithEngine), so the first frame does not wait for them.
import { loadWithEngine } from '../store/sim';
import './explainEager';
import { explainers, loadExplainers } from './explainSlot';

loadWithEngine(loadExplainers);

export { explainers };
