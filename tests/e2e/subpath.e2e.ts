// The built page works when served from a sub-path (relative asset URLs, lazy chunks included).
import { createServer, type Server } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { hasBrowser, launch, openPage } from './browser';

const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.yaml': 'text/yaml', '.svg': 'image/svg+xml', '.map': 'application/json' };

describe.skipIf(!hasBrowser)('dist/ from a sub-path', () => {
  let browser: Browser;
  let server: Server;
  let base = '';
  beforeAll(async () => {
    browser = await launch();
    const root = inject('distDir');
    server = createServer((req, res) => {
      const path = decodeURIComponent((req.url ?? '/').split('?')[0]);
      if (!path.startsWith('/some/sub/path/')) {
        res.writeHead(404).end();
        return;
      }
      const rel = normalize(path.slice('/some/sub/path/'.length) || 'index.html').replace(/^(\.\.[/\\])+/, '');
      readFile(join(root, rel)).then(
        (body) => res.writeHead(200, { 'content-type': TYPES[extname(rel)] ?? 'application/octet-stream' }).end(body),
        () => res.writeHead(404).end(),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const addr = server.address();
    base = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}/some/sub/path/`;
  });
  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => server?.close(resolve));
  });

  it('loads, runs and lazy-loads panels under /some/sub/path/', async () => {
    const { page, errors } = await openPage(browser, base);
    await page.locator('svg.cv g.node').first().waitFor();
    await page.getByRole('tab', { name: 'Metrics' }).click();
    await page.getByRole('heading', { name: 'Messages by type' }).waitFor();
    await page.getByRole('tab', { name: 'Space-time diagram' }).click();
    await page.locator('svg.st').waitFor();
    expect(errors).toEqual([]);
    await page.close();
  });
});
