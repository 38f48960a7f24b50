// Layout checks run inside the page (plain browser JavaScript, injected with page.addScriptTag): sideways
// overflow, and every interactive element's size, reachability and hit-test at its centre.
(function () {
  const INTERACTIVE = [
    'a[href]', 'button', 'input:not([type="hidden"])', 'select', 'textarea', 'summary',
    '[tabindex]:not([tabindex="-1"])',
    '[role="button"]', '[role="tab"]', '[role="link"]', '[role="slider"]', '[role="checkbox"]',
    '[role="radio"]', '[role="switch"]', '[role="menuitem"]',
  ].join(',');

  /** How far a focus outline reaches beyond its element (app.css: 2 px wide, 2 px offset). */
  const OUTLINE = 4;

  /** A short, stable name for an element in a failure message. */
  function describe(el) {
    if (!el) return 'nothing';
    const name = (el.getAttribute('aria-label') || el.textContent || el.getAttribute('title') || '').trim().replace(/\s+/g, ' ').slice(0, 40);
    const cls = typeof el.className === 'string' && el.className ? '.' + el.className.trim().split(/\s+/).slice(0, 2).join('.') : '';
    return `<${el.tagName.toLowerCase()}${cls}>${name ? ` "${name}"` : ''}`;
  }

  /** WCAG 2.5.8's inline exception: a link inside a sentence is as tall as the line it sits in. */
  function inSentence(el) {
    if (el.tagName !== 'A' || window.getComputedStyle(el).display !== 'inline') return false;
    const parent = el.parentElement;
    if (!parent) return false;
    for (const n of parent.childNodes) if (n.nodeType === 3 && n.textContent.trim().length > 1) return true;
    return false;
  }

  /** What a pointer actually hits for this control: a checkbox or radio is hit through its label. */
  function targetOf(el) {
    if (el.tagName === 'INPUT' && (el.type === 'checkbox' || el.type === 'radio' || el.type === 'file')) {
      const label = el.closest('label');
      if (label) return label;
    }
    return el;
  }

  function visible(el) {
    if (el.closest('.sr-only, .skip, [inert], [aria-hidden="true"]')) return false;
    if (typeof el.checkVisibility === 'function' && !el.checkVisibility({ visibilityProperty: true })) return false;
    const r = el.getBoundingClientRect();
    return r.width > 0 || r.height > 0;
  }

  /** Whether a pointer at the centre of rect r reaches the control (inside the window, nothing on top). */
  function hits(target, el, r) {
    const x = r.left + r.width / 2;
    const y = r.top + r.height / 2;
    if (x < 0 || y < 0 || x > window.innerWidth || y > window.innerHeight) return false;
    const hit = document.elementFromPoint(x, y);
    return hit !== null && (target.contains(hit) || el.contains(hit));
  }

  /**
   * Problems on the page as it is now: sideways overflow, then each visible interactive element that is
   * smaller than min × min px, cannot be brought into view, or is covered by another element at its centre.
   */
  function layout(min) {
    const problems = [];
    const doc = document.documentElement;
    if (doc.scrollWidth > window.innerWidth) problems.push(`page scrolls sideways: scrollWidth ${doc.scrollWidth} > innerWidth ${window.innerWidth}`);
    if (document.body.scrollWidth > window.innerWidth) problems.push(`body scrolls sideways: ${document.body.scrollWidth} > ${window.innerWidth}`);
    // A panel whose content is wider than it: the side column clips it (its values cut off on a phone).
    for (const p of document.querySelectorAll('.panel')) {
      if (visible(p) && p.scrollWidth > p.clientWidth + 1) problems.push(`${p.className} is wider inside than its box: ${p.scrollWidth} > ${p.clientWidth}`);
    }
    const seen = new Set();
    // Scroll positions this audit changed, put back at the end (later checks see the page as it was).
    const scrolled = new Map();
    const scrollX = window.scrollX;
    const scrollY = window.scrollY;
    let count = 0;
    // Behind a modal dialog the page is inert, and an open menu covers what is under it, by design:
    // then only the dialog's (or the menu's) controls count.
    // The guide, when open, covers the (inert) simulator: only its controls count.
    const scope = document.querySelector('dialog:modal') || document.querySelector('.menu-pop:not([hidden])') || document.querySelector('.guide-layer') || document;
    for (const el of scope.querySelectorAll(INTERACTIVE)) {
      if (!visible(el)) continue;
      const target = targetOf(el);
      if (seen.has(target)) continue;
      seen.add(target);
      count++;
      // Most controls are hit where they are; only those that are not get scrolled into view first.
      let r = target.getBoundingClientRect();
      if (!hits(target, el, r)) {
        for (let a = target.parentElement; a; a = a.parentElement) if (!scrolled.has(a)) scrolled.set(a, [a.scrollLeft, a.scrollTop]);
        target.scrollIntoView({ block: 'center', inline: 'center' });
        r = target.getBoundingClientRect();
      }
      const what = describe(el);
      if (!inSentence(el) && (r.width < min - 0.5 || r.height < min - 0.5)) problems.push(`${what} is ${r.width.toFixed(1)}×${r.height.toFixed(1)} px (needs ${min}×${min})`);
      const x = r.left + r.width / 2;
      const y = r.top + r.height / 2;
      if (x < 0 || y < 0 || x > window.innerWidth || y > window.innerHeight) {
        problems.push(`${what} cannot be brought into view (centre at ${x.toFixed(0)},${y.toFixed(0)})`);
        continue;
      }
      if (r.right > window.innerWidth + 0.5 || r.left < -0.5) problems.push(`${what} sticks out of the window sideways (${r.left.toFixed(0)}–${r.right.toFixed(0)})`);
      // The focus ring (2 px, 2 px away) must fit in the window too.
      else if (r.right + OUTLINE > window.innerWidth + 0.5 || r.left - OUTLINE < -0.5) problems.push(`${what}'s focus outline runs off the window (${r.left.toFixed(0)}–${r.right.toFixed(0)})`);
      const hit = document.elementFromPoint(x, y);
      if (hit === null || !(target.contains(hit) || el.contains(hit))) problems.push(`${what} is covered at its centre by ${describe(hit)}`);
    }
    for (const [a, [left, top]] of scrolled) {
      a.scrollLeft = left;
      a.scrollTop = top;
    }
    window.scrollTo(scrollX, scrollY);
    return { problems, count };
  }

  /** [r, g, b, a] of a computed CSS colour ('rgb(…)' or 'rgba(…)'); null for anything else (none, url(…)). */
  function rgba(s) {
    const m = /^rgba?\(([^)]+)\)$/.exec(s || '');
    if (!m) return null;
    const p = m[1].split(/[\s,/]+/).filter(Boolean).map(Number);
    return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1];
  }

  function luminance([r, g, b]) {
    const c = [r, g, b].map((v) => v / 255).map((v) => (v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4));
    return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
  }

  /** The opacity an SVG element is painted with (its own and its groups', up to the <svg>). */
  function opacityOf(el) {
    let o = 1;
    for (let a = el; a && !(a instanceof window.SVGSVGElement); a = a.parentElement) o *= parseFloat(window.getComputedStyle(a).opacity) || 0;
    return o;
  }

  /** The colour painted under a text (`below`: what is hit under its centre, top first), other text left out: shapes' fills and boxes' backgrounds, composited. */
  function paintUnder(below) {
    const layers = [];
    let top = null;
    for (const e of below) {
      // Text, and lines (hit on their stroke; they cross under a label, they are not its background).
      if (e instanceof window.SVGTextContentElement || e instanceof window.SVGLineElement || e instanceof window.SVGPolylineElement) continue;
      let c = null;
      if (e instanceof window.SVGGeometryElement) {
        c = rgba(window.getComputedStyle(e).fill);
        if (c) c[3] *= (parseFloat(window.getComputedStyle(e).fillOpacity) || 0) * opacityOf(e);
      } else if (!(e instanceof window.SVGElement) || e instanceof window.SVGSVGElement) {
        c = rgba(window.getComputedStyle(e).backgroundColor);
      }
      if (!c || c[3] <= 0.01) continue;
      if (!top) top = e;
      layers.push(c);
      if (c[3] >= 0.99) break;
    }
    let out = [255, 255, 255];
    for (const c of layers.reverse()) out = out.map((v, i) => v * (1 - c[3]) + c[i] * c[3]);
    return { color: out, top };
  }

  /**
   * Text drawn in SVG (which axe-core does not check) whose contrast with what is painted under its
   * centre is below `min`: the cluster drawing, the guide's ring, the space-time diagram.
   */
  function svgTextContrast(min, selector) {
    const problems = [];
    // Hit-test every shape, even those that let clicks through (pointer-events: none).
    const style = document.createElement('style');
    style.textContent = 'svg * { pointer-events: visiblePainted !important; }';
    document.head.appendChild(style);
    let count = 0;
    try {
      for (const t of document.querySelectorAll(selector.split(',').map((s) => `${s.trim()} text`).join(','))) {
        const label = (t.textContent || '').trim();
        const r = t.getBoundingClientRect();
        if (!label || r.width === 0 || t.closest('[hidden]')) continue;
        const cs = window.getComputedStyle(t);
        if (cs.visibility === 'hidden' || cs.display === 'none') continue;
        const fg = rgba(cs.fill);
        if (!fg) continue;
        const x = r.left + r.width / 2;
        const y = r.top + r.height / 2;
        if (x < 0 || y < 0 || x > window.innerWidth || y > window.innerHeight) continue;
        // Text clipped away by a scrolling box (or covered) is not seen: only text hit at its centre counts.
        const stack = document.elementsFromPoint(x, y);
        const at = stack.findIndex((e) => e === t || t.contains(e));
        if (at < 0) continue;
        count++;
        const under = paintUnder(stack.slice(at + 1));
        let bg = under.color;
        // A halo (an opaque stroke painted under the glyphs) is the background the text is read against.
        const halo = rgba(cs.stroke);
        if (cs.paintOrder.startsWith('stroke') && halo && halo[3] >= 0.99 && parseFloat(cs.strokeWidth) >= 2) bg = halo.slice(0, 3);
        const a = fg[3] * (parseFloat(cs.fillOpacity) || 0) * opacityOf(t);
        const ink = [0, 1, 2].map((i) => bg[i] * (1 - a) + fg[i] * a);
        const l1 = luminance(ink);
        const l2 = luminance(bg);
        const ratio = (Math.max(l1, l2) + 0.05) / (Math.min(l1, l2) + 0.05);
        if (ratio < min) problems.push(`"${label.slice(0, 30)}" (${t.getAttribute('class') || 'text'}) is ${ratio.toFixed(2)}:1 on rgb(${bg.map(Math.round).join(',')}) (${describe(under.top)})`);
      }
    } finally {
      style.remove();
    }
    return { problems, count };
  }

  window.wiberAudit = { layout, svgTextContrast };
})();
