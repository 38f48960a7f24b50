// A tiny, safe Markdown renderer for chapter prose: paragraphs, ### headings, lists, quotes, fenced
// code, **bold**, *italic*, `code` and [links](https://…). It builds React elements from text only —
// never HTML — so whatever a chapter file holds is shown as text.
import type { ReactNode } from 'react';

export type MdBlock =
  | { readonly kind: 'p'; readonly text: string }
  | { readonly kind: 'h'; readonly text: string }
  | { readonly kind: 'ul' | 'ol'; readonly items: readonly string[]; readonly start: number }
  | { readonly kind: 'quote'; readonly text: string }
  | { readonly kind: 'pre'; readonly text: string };

const BULLET = /^\s{0,3}[-*+]\s+(.*)$/;
const NUMBERED = /^\s{0,3}(\d{1,9})[.)]\s+(.*)$/;
const FENCE = /^\s{0,3}(`{3,}|~{3,})/;
const HEADING = /^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$/;
const QUOTE = /^\s{0,3}>\s?(.*)$/;

/** Splits Markdown into blocks (text inside is still Markdown inline syntax, except in `pre`). */
export function parseBlocks(markdown: string): MdBlock[] {
  const lines = markdown.replace(/\r\n?/g, '\n').split('\n');
  const out: MdBlock[] = [];
  let para: string[] = [];
  let list: { kind: 'ul' | 'ol'; items: string[]; start: number } | undefined;
  let quote: string[] | undefined;
  const flush = (): void => {
    if (para.length > 0) out.push({ kind: 'p', text: para.join(' ') });
    para = [];
    if (list !== undefined) out.push({ kind: list.kind, items: list.items, start: list.start });
    list = undefined;
    if (quote !== undefined) out.push({ kind: 'quote', text: quote.join(' ') });
    quote = undefined;
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const fence = FENCE.exec(line);
    if (fence !== null) {
      flush();
      const body: string[] = [];
      const close = fence[1];
      for (i++; i < lines.length && !lines[i].trimStart().startsWith(close); i++) body.push(lines[i]);
      out.push({ kind: 'pre', text: body.join('\n') });
      continue;
    }
    if (line.trim() === '') {
      flush();
      continue;
    }
    const heading = HEADING.exec(line);
    if (heading !== null) {
      flush();
      out.push({ kind: 'h', text: heading[1] });
      continue;
    }
    const bullet = BULLET.exec(line);
    let numbered = bullet === null ? NUMBERED.exec(line) : null;
    // CommonMark: an ordered list may interrupt a paragraph only when it starts at 1, so a line of
    // prose that happens to begin "2. " (say, a substituted run value) stays part of its paragraph.
    if (numbered !== null && para.length > 0 && Number(numbered[1]) !== 1) numbered = null;
    if (bullet !== null || numbered !== null) {
      const kind = bullet !== null ? 'ul' : 'ol';
      if (list === undefined || list.kind !== kind) {
        flush();
        list = { kind, items: [], start: numbered !== null ? Number(numbered[1]) : 1 };
      }
      list.items.push(bullet !== null ? bullet[1] : numbered![2]);
      continue;
    }
    if (list !== undefined && /^\s+\S/.test(line)) {
      // An indented line continues the current list item.
      list.items[list.items.length - 1] += ' ' + line.trim();
      continue;
    }
    const q = QUOTE.exec(line);
    if (q !== null) {
      if (quote === undefined) {
        flush();
        quote = [];
      }
      quote.push(q[1]);
      continue;
    }
    if (list !== undefined || quote !== undefined) flush();
    para.push(line.trim());
  }
  flush();
  return out;
}

/** Only web links and in-page anchors become links; anything else (javascript:, data:, paths) stays text. */
export function safeHref(url: string): string | undefined {
  const u = url.trim();
  if (/^https?:\/\/[^\s]+$/i.test(u) || /^mailto:[^\s]+$/i.test(u) || /^#[\w\-/]*$/.test(u)) return u;
  return undefined;
}

const INLINE = /(`+)([\s\S]*?[^`])\1(?!`)|\*\*([\s\S]+?)\*\*|\*([^*\s](?:[^*]*[^*\s])?)\*|\[([^\]\n]+)\]\(([^()\s]+)\)|\\([\\`*_[\]()#+\-.!<>{}|])/g;

/** Inline Markdown as React nodes (strings are escaped by React). */
export function renderInline(text: string, keyPrefix = 'i'): ReactNode[] {
  const out: ReactNode[] = [];
  let last = 0;
  let k = 0;
  const key = (): string => `${keyPrefix}-${k++}`;
  for (const m of text.matchAll(INLINE)) {
    const at = m.index;
    if (at > last) out.push(text.slice(last, at));
    last = at + m[0].length;
    if (m[1] !== undefined) out.push(<code key={key()}>{m[2].trim() === '' ? m[2] : m[2].replace(/^ (.*) $/, '$1')}</code>);
    else if (m[3] !== undefined) {
      const kk = key();
      out.push(<strong key={kk}>{renderInline(m[3], kk)}</strong>);
    } else if (m[4] !== undefined) {
      const kk = key();
      out.push(<em key={kk}>{renderInline(m[4], kk)}</em>);
    } else if (m[5] !== undefined) {
      const kk = key();
      const href = safeHref(m[6]);
      if (href === undefined) {
        out.push(
          <span key={kk}>
            {renderInline(m[5], kk)} (<code>{m[6]}</code>)
          </span>,
        );
      } else {
        const external = !href.startsWith('#');
        out.push(
          <a key={kk} href={href} {...(external ? { target: '_blank', rel: 'noopener noreferrer' } : {})}>
            {renderInline(m[5], kk)}
          </a>,
        );
      }
    } else if (m[7] !== undefined) out.push(m[7]);
  }
  if (last < text.length) out.push(text.slice(last));
  return out;
}

export function Inline({ text }: { text: string }) {
  return <>{renderInline(text)}</>;
}

/** A chapter's Markdown as React elements. */
export function Markdown({ text, className }: { text: string; className?: string }) {
  const blocks = parseBlocks(text);
  return (
    <div className={className ?? 'md'}>
      {blocks.map((b, i) => {
        const k = `b${i}`;
        switch (b.kind) {
          case 'p':
            return <p key={k}>{renderInline(b.text, k)}</p>;
          case 'h':
            return <h4 key={k}>{renderInline(b.text, k)}</h4>;
          case 'quote':
            return <blockquote key={k}>{renderInline(b.text, k)}</blockquote>;
          case 'pre':
            return (
              <pre key={k}>
                <code>{b.text}</code>
              </pre>
            );
          case 'ul':
            return (
              <ul key={k}>
                {b.items.map((it, j) => (
                  <li key={j}>{renderInline(it, `${k}-${j}`)}</li>
                ))}
              </ul>
            );
          case 'ol':
            return (
              <ol key={k} start={b.start !== 1 ? b.start : undefined}>
                {b.items.map((it, j) => (
                  <li key={j}>{renderInline(it, `${k}-${j}`)}</li>
                ))}
              </ol>
            );
        }
      })}
    </div>
  );
}
