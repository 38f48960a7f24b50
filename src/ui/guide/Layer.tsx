// The full-page layer the guide, a lesson and the comparison open over the simulator: it takes the
// keyboard focus and keeps keys from reaching the simulator's shortcuts (they act on a hidden cluster).
import { useEffect, useRef, type ReactNode } from 'react';
import './host.css';

export interface LayerProps {
  /** The region's accessible name. */
  label: string;
  /** Added to `guide-layer` (e.g. `lesson-layer`). */
  className?: string;
  /** The layer takes the focus when it opens and again whenever this changes. */
  focusKey: unknown;
  /** Leave the focus where it is when it is already inside the layer (the guide keeps a focused step control). */
  keepInnerFocus?: boolean;
  /** Called on Escape (the key still stays in the layer), unless something inside used it (a menu, a dialog) or it was typed in a field. */
  onEscape?: () => void;
  children: ReactNode;
}

export function Layer({ label, className, focusKey, keepInnerFocus = false, onEscape, children }: LayerProps) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = ref.current;
    if (el !== null && !(keepInnerFocus && el.contains(document.activeElement))) el.focus();
  }, [focusKey, keepInnerFocus]);
  return (
    <div
      ref={ref}
      className={className ? `guide-layer ${className}` : 'guide-layer'}
      role="region"
      aria-label={label}
      tabIndex={-1}
      onKeyDown={(e) => {
        e.stopPropagation();
        if (e.key !== 'Escape' || e.defaultPrevented || e.nativeEvent.isComposing) return;
        const t = e.target as HTMLElement;
        if (t.tagName === 'INPUT' || t.tagName === 'TEXTAREA' || t.tagName === 'SELECT' || t.isContentEditable) return;
        onEscape?.();
      }}
    >
      {children}
    </div>
  );
}
