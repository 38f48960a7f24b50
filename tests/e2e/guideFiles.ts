// The course's chapters as the browser tests walk them: every guides/*.md loaded with the page's own loader.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadChapters } from '../../src/guides/chapters';

const GUIDES = join(__dirname, '../../guides');

export const chapters = loadChapters(
  Object.fromEntries(
    readdirSync(GUIDES)
      .filter((f) => f.endsWith('.md'))
      .map((f) => [`/guides/${f}`, readFileSync(join(GUIDES, f), 'utf8')]),
  ),
);
