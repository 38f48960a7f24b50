// A small disclosure menu (a button that shows a list of buttons): the toolbar's folded actions on phones.
import { useEffect, useId, useRef, useState, type ReactNode } from 'react';

export function Menu({ label, text, children, align = 'start' }: { label: string; text: ReactNode; children: ReactNode; align?: 'start' | 'end' }) {
  const [open, setOpen] = useState(false);
  const id = useId();
  const wrap = useRef<HTMLDivElement>(null);
  const button = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (!open) return;
    const onDown = (e: PointerEvent): void => {
      if (!wrap.current?.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener('pointerdown', onDown);
    // Move into the menu so the keyboard user lands on its first item.
    wrap.current?.querySelector<HTMLElement>('.menu-pop button:not(:disabled), .menu-pop select')?.focus();
    return () => document.removeEventListener('pointerdown', onDown);
  }, [open]);
  return (
    <div
      className="menu"
      ref={wrap}
      onKeyDown={(e) => {
        if (e.key === 'Escape' && open) {
          e.preventDefault();
          setOpen(false);
          button.current?.focus();
        }
      }}
      onBlur={(e) => {
        if (open && !wrap.current?.contains(e.relatedTarget as Node | null) && e.relatedTarget !== null) setOpen(false);
      }}
    >
      <button ref={button} type="button" className="btn" aria-expanded={open} aria-controls={id} aria-label={label} onClick={() => setOpen(!open)}>
        {text}
      </button>
      <div
        id={id}
        className={`menu-pop ${align}`}
        hidden={!open}
        onClick={(e) => {
          if (!(e.target as HTMLElement).closest('button')) return;
          setOpen(false);
          // The chosen item is hidden with the list: focus goes back to the menu's button, not to the page.
          button.current?.focus();
        }}
      >
        {children}
      </div>
    </div>
  );
}
