// Guide deep links: `#guide` (the chapter list), `#guide/<chapterId>` (its introduction),
// `#guide/<chapterId>/<step>` (1-based step) and `#guide/<chapterId>/challenge`; parsed, formatted and
// checked against the chapters with messages a learner can act on.
import type { Chapter } from '../../guides/chapters';

export type GuideRoute =
  | { readonly kind: 'menu' }
  /** `step` is the number of steps done: 0 is the introduction, 1 … n the steps. */
  | { readonly kind: 'step'; readonly chapter: string; readonly step: number }
  | { readonly kind: 'challenge'; readonly chapter: string };

export type ParsedRoute = { readonly ok: true; readonly route: GuideRoute } | { readonly ok: false; readonly error: string };

const GUIDE_HASH = /^#?guide(\/|$)/;
const CHAPTER_ID = /^[a-z][a-z0-9-]*$/;

/** True for any hash this module owns (`#guide`, `#guide/…`), valid or not. */
export function isGuideHash(hash: string): boolean {
  return GUIDE_HASH.test(hash);
}

/** Parses a guide hash; undefined when the hash is not a guide link at all (a run link, an anchor). */
export function parseGuideHash(hash: string): ParsedRoute | undefined {
  if (!isGuideHash(hash)) return undefined;
  const parts = hash.replace(/^#/, '').split('/');
  if (parts.length > 1 && parts[parts.length - 1] === '') parts.pop();
  if (parts.length === 1) return { ok: true, route: { kind: 'menu' } };
  if (parts.length > 3) return { ok: false, error: `a guide link is #guide/<chapter>/<step>; '${hash}' has too many parts` };
  let id: string;
  try {
    id = decodeURIComponent(parts[1]);
  } catch {
    return { ok: false, error: `'${parts[1]}' is not a chapter name` };
  }
  if (!CHAPTER_ID.test(id)) return { ok: false, error: `'${id}' is not a chapter name (chapter names are lower-case words joined by hyphens)` };
  if (parts.length === 2) return { ok: true, route: { kind: 'step', chapter: id, step: 0 } };
  const step = parts[2];
  if (step === 'challenge') return { ok: true, route: { kind: 'challenge', chapter: id } };
  if (!/^\d{1,6}$/.test(step)) return { ok: false, error: `the step must be a number from 1 (or 'challenge'), not '${step}'` };
  return { ok: true, route: { kind: 'step', chapter: id, step: Number(step) } };
}

/** The hash of a route; the introduction is `#guide/<id>` (no step). */
export function formatGuideHash(route: GuideRoute): string {
  switch (route.kind) {
    case 'menu':
      return '#guide';
    case 'challenge':
      return `#guide/${route.chapter}/challenge`;
    case 'step':
      return route.step <= 0 ? `#guide/${route.chapter}` : `#guide/${route.chapter}/${route.step}`;
  }
}

export type ResolvedRoute =
  | { readonly ok: true; readonly route: GuideRoute; readonly chapter?: Chapter }
  | { readonly ok: false; readonly error: string };

/** Checks a route against the chapters: the chapter exists, the step is in range, the challenge exists. */
export function resolveGuideRoute(route: GuideRoute, chapters: readonly Chapter[]): ResolvedRoute {
  if (route.kind === 'menu') return { ok: true, route };
  const chapter = chapters.find((c) => c.id === route.chapter);
  if (chapter === undefined) {
    return { ok: false, error: `there is no chapter '${route.chapter}' (chapters: ${chapters.map((c) => c.id).join(', ')})` };
  }
  if (route.kind === 'challenge') {
    if (chapter.challenge === undefined) return { ok: false, error: `chapter '${chapter.title}' has no challenge` };
    return { ok: true, route, chapter };
  }
  const n = chapter.steps.length;
  if (route.step > n) return { ok: false, error: `chapter '${chapter.title}' has ${n} steps, so there is no step ${route.step}` };
  return { ok: true, route, chapter };
}

/** Parses and resolves in one go; undefined when the hash is not a guide link. */
export function routeFromHash(hash: string, chapters: readonly Chapter[]): ResolvedRoute | undefined {
  const parsed = parseGuideHash(hash);
  if (parsed === undefined) return undefined;
  if (!parsed.ok) return parsed;
  return resolveGuideRoute(parsed.route, chapters);
}
