// Exports a live SVG (cluster view, space-time diagram) as a standalone SVG or PNG file, with its computed colours inlined.

const STYLE_PROPS = [
  'fill', 'fill-opacity', 'stroke', 'stroke-width', 'stroke-dasharray', 'stroke-opacity', 'opacity',
  'font-family', 'font-size', 'font-weight', 'text-anchor', 'dominant-baseline', 'paint-order', 'visibility', 'display',
] as const;

/** A copy of the SVG whose every element carries its computed style, so it looks the same outside the page. */
export function standaloneSvg(svg: SVGSVGElement, background?: string): { text: string; width: number; height: number } {
  const clone = svg.cloneNode(true) as SVGSVGElement;
  const live = [svg, ...Array.from(svg.querySelectorAll('*'))];
  const copies = [clone, ...Array.from(clone.querySelectorAll('*'))];
  live.forEach((el, i) => {
    const cs = getComputedStyle(el);
    const style = STYLE_PROPS.map((p) => {
      const v = cs.getPropertyValue(p);
      return v ? `${p}:${v}` : '';
    })
      .filter(Boolean)
      .join(';');
    copies[i].setAttribute('style', style);
    copies[i].removeAttribute('class');
    copies[i].removeAttribute('tabindex');
  });
  const box = svg.getBoundingClientRect();
  const width = Math.max(1, Math.round(box.width));
  const height = Math.max(1, Math.round(box.height));
  clone.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
  clone.setAttribute('width', String(width));
  clone.setAttribute('height', String(height));
  if (background) {
    const vb = clone.viewBox.baseVal;
    const rect = document.createElementNS('http://www.w3.org/2000/svg', 'rect');
    const hasVb = vb && vb.width > 0;
    rect.setAttribute('x', String(hasVb ? vb.x : 0));
    rect.setAttribute('y', String(hasVb ? vb.y : 0));
    rect.setAttribute('width', String(hasVb ? vb.width : width));
    rect.setAttribute('height', String(hasVb ? vb.height : height));
    rect.setAttribute('fill', background);
    clone.insertBefore(rect, clone.firstChild);
  }
  return { text: new XMLSerializer().serializeToString(clone), width, height };
}

export function download(name: string, blob: Blob): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 5000);
}

function pageBackground(): string {
  return getComputedStyle(document.documentElement).getPropertyValue('--bg').trim() || '#ffffff';
}

export function exportSvg(svg: SVGSVGElement, name: string): void {
  const { text } = standaloneSvg(svg, pageBackground());
  download(`${name}.svg`, new Blob([text], { type: 'image/svg+xml' }));
}

export async function exportPng(svg: SVGSVGElement, name: string, scale = 2): Promise<void> {
  const { text, width, height } = standaloneSvg(svg, pageBackground());
  const url = URL.createObjectURL(new Blob([text], { type: 'image/svg+xml' }));
  try {
    const img = new Image();
    await new Promise<void>((resolve, reject) => {
      img.onload = () => resolve();
      img.onerror = () => reject(new Error('the browser could not render the SVG'));
      img.src = url;
    });
    const canvas = document.createElement('canvas');
    canvas.width = width * scale;
    canvas.height = height * scale;
    const ctx = canvas.getContext('2d');
    if (ctx === null) throw new Error('no canvas');
    ctx.scale(scale, scale);
    ctx.drawImage(img, 0, 0, width, height);
    const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/png'));
    if (blob === null) throw new Error('the canvas could not be encoded');
    download(`${name}.png`, blob);
  } finally {
    URL.revokeObjectURL(url);
  }
}
