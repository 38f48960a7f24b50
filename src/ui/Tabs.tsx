// An accessible tab strip (WAI-ARIA tabs pattern: arrow keys move between tabs, one tab stop).
import { useRef, type KeyboardEvent } from 'react';

export interface TabsProps<T extends string> {
  idPrefix: string;
  tabs: ReadonlyArray<{ id: T; label: string; badge?: string }>;
  value: T;
  onChange: (id: T) => void;
  label: string;
}

export function Tabs<T extends string>({ idPrefix, tabs, value, onChange, label }: TabsProps<T>) {
  const ref = useRef<HTMLDivElement>(null);
  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>): void => {
    const i = tabs.findIndex((t) => t.id === value);
    let j = -1;
    if (e.key === 'ArrowRight') j = (i + 1) % tabs.length;
    else if (e.key === 'ArrowLeft') j = (i - 1 + tabs.length) % tabs.length;
    else if (e.key === 'Home') j = 0;
    else if (e.key === 'End') j = tabs.length - 1;
    if (j < 0) return;
    e.preventDefault();
    onChange(tabs[j].id);
    ref.current?.querySelector<HTMLButtonElement>(`#${idPrefix}-tab-${tabs[j].id}`)?.focus();
  };
  return (
    <div className="tabs" role="tablist" aria-label={label} ref={ref} onKeyDown={onKeyDown}>
      {tabs.map((t) => (
        <button
          key={t.id}
          type="button"
          role="tab"
          id={`${idPrefix}-tab-${t.id}`}
          aria-selected={t.id === value}
          aria-controls={`${idPrefix}-panel-${t.id}`}
          tabIndex={t.id === value ? 0 : -1}
          className={t.id === value ? 'tab active' : 'tab'}
          onClick={() => onChange(t.id)}
        >
          {t.label}
          {t.badge !== undefined && <span className="badge">{t.badge}</span>}
        </button>
      ))}
    </div>
  );
}
