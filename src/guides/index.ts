// The guide chapters the page ships: every `guides/*.md` file, bundled as text at build time and loaded once.
import { loadChapters, type Chapter } from './chapters';

const files = import.meta.glob('/guides/*.md', { query: '?raw', import: 'default', eager: true }) as Record<string, string>;

/** Chapters in reading order (by `order`). */
export const chapters: readonly Chapter[] = loadChapters(files);

export function chapterById(id: string): Chapter | undefined {
  return chapters.find((c) => c.id === id);
}

export * from './chapters';
