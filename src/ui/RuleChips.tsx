// The "§5.2" chips next to explanations: one button per rule, each opening the reference card at that rule.
import { openRule } from './referenceState';

/** The separate rules in a chip text such as "§5.2, §5.4.1". */
export function splitRules(text: string): string[] {
  return text.match(/§\d+(?:\.\d+)*/g) ?? [];
}

export function RuleChips({ rule }: { rule: string }) {
  const ids = splitRules(rule);
  if (ids.length === 0) return null;
  return (
    <span className="rules">
      {ids.map((id) => (
        <button
          key={id}
          type="button"
          className="rule"
          onClick={(e) => {
            e.stopPropagation();
            openRule(id);
          }}
          aria-label={`Rule ${id} of the Raft paper`}
          title={`${id}: open the rule`}
          aria-haspopup="dialog"
        >
          {id}
        </button>
      ))}
    </span>
  );
}
