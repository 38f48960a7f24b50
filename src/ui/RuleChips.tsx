// The "§5.2" chips next to explanations: one button per rule (the paper's, or "thesis §9.6": Ongaro's dissertation), each opening the reference card at that rule.
import { openRule } from './referenceState';

/** The separate rules in a chip text such as "§5.2, §5.4.1" or "§6, thesis §4.2.2" (a section of the dissertation keeps its "thesis"). */
export function splitRules(text: string): string[] {
  return text.match(/(?:thesis )?§\d+(?:\.\d+)*/g) ?? [];
}

/** What a chip's rule is a section of, for its accessible name. */
const sourceOf = (id: string): string => (id.startsWith('thesis ') ? `${id.slice('thesis '.length)} of Ongaro’s dissertation` : `${id} of the Raft paper`);

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
          aria-label={`Rule ${sourceOf(id)}`}
          title={`${id}: open the rule`}
          aria-haspopup="dialog"
        >
          {id}
        </button>
      ))}
    </span>
  );
}
