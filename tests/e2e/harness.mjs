// Browser end-to-end harness: serves the built app (dist/) on 127.0.0.1 and drives Debian's Chromium through
// playwright-core (installed in www/node_modules by scripts/setup.sh). Used by the *.test.mjs files beside it,
// which node's own test runner runs: `node --test tests/e2e/` after `trunk build --release`.
//
//   const h = await launch();
//   const page = await h.openApp('/');   // waits for the diagram ([data-broker]) unless { waitFor: null }
//   h.errors(page)                        // console errors + uncaught page errors seen so far on that page
//   await replicaAttrs(page)              // the DOM contract's attributes of every [data-replica]
//   await h.close();
//
// Environment: KAFKAVIZ_DIST (default <repo>/dist), CHROMIUM (default /usr/bin/chromium).

import { createRequire } from 'node:module';
import { createServer } from 'node:http';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
// playwright-core lives in www/node_modules (the JS tooling's package.json), not beside this file.
const require = createRequire(join(ROOT, 'www', 'package.json'));
const { chromium } = require('playwright-core');

export const DIST = resolve(process.env.KAFKAVIZ_DIST ?? join(ROOT, 'dist'));
export const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
// The flags from shared/toolchain.md; --user-data-dir is a fresh temp dir, passed by launchPersistentContext.
export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.md': 'text/plain; charset=utf-8',
};

/** A static file server for `dir` on 127.0.0.1, on a free port. Resolves to { url, close }. */
export async function serveStatic(dir = DIST) {
  const index = join(dir, 'index.html');
  try {
    await stat(index);
  } catch {
    throw new Error(`${index} not found: build the app first (trunk build --release)`);
  }
  const server = createServer(async (req, res) => {
    try {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      let rel = decodeURIComponent(url.pathname);
      if (rel.endsWith('/')) rel += 'index.html';
      const file = normalize(join(dir, rel));
      if (file !== dir && !file.startsWith(dir + sep)) {
        res.writeHead(403).end();
        return;
      }
      let body;
      try {
        body = await readFile(file);
      } catch {
        // The browser asks for a favicon on its own: not an app error.
        if (rel === '/favicon.ico') {
          res.writeHead(204).end();
          return;
        }
        res.writeHead(404, { 'content-type': 'text/plain' }).end(`not found: ${rel}`);
        return;
      }
      res.writeHead(200, {
        'content-type': MIME[extname(file)] ?? 'application/octet-stream',
        'cache-control': 'no-store',
      });
      res.end(req.method === 'HEAD' ? undefined : body);
    } catch (e) {
      res.writeHead(500).end(String(e));
    }
  });
  await new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(0, '127.0.0.1', ok);
  });
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((ok) => {
        server.closeAllConnections?.();
        server.close(() => ok());
      }),
  };
}

/**
 * Starts the server and Chromium. Returns { baseURL, context, openApp, errors, close }.
 * Every page opened through openApp records console errors and uncaught exceptions.
 */
export async function launch({ dist = DIST } = {}) {
  const server = await serveStatic(dist);
  const userDataDir = await mkdtemp(join(tmpdir(), 'kafkaviz-e2e-'));
  let context;
  try {
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_FLAGS,
      viewport: { width: 1280, height: 900 },
      reducedMotion: 'no-preference',
      timeout: 60_000,
    });
  } catch (e) {
    await server.close();
    await rm(userDataDir, { recursive: true, force: true });
    throw e;
  }
  const pageErrors = new Map();

  async function openApp(path = '/', { waitFor = '[data-broker]', timeout = 20_000 } = {}) {
    const page = await context.newPage();
    const errs = [];
    pageErrors.set(page, errs);
    page.on('console', (msg) => {
      if (msg.type() === 'error') errs.push(`console.error: ${msg.text()}`);
    });
    page.on('pageerror', (err) => errs.push(`page error: ${err.stack ?? err.message ?? err}`));
    page.on('crash', () => errs.push('page crashed'));
    page.on('requestfailed', (req) => errs.push(`request failed: ${req.url()} ${req.failure()?.errorText ?? ''}`));
    await page.goto(server.url + path, { waitUntil: 'load', timeout });
    if (waitFor) {
      try {
        await page.waitForSelector(waitFor, { state: 'attached', timeout });
      } catch (e) {
        const text = await page
          .evaluate(() => document.body?.innerText ?? '')
          .catch(() => '(page text unavailable)');
        throw new Error(
          `${path}: no ${waitFor} after ${timeout} ms (${e.message.split('\n')[0]}).\n` +
            `  page text: ${JSON.stringify(text.slice(0, 300))}\n` +
            `  errors: ${JSON.stringify(errs)}`,
        );
      }
    }
    return page;
  }

  async function close() {
    await context?.close().catch(() => {});
    await server.close();
    await rm(userDataDir, { recursive: true, force: true }).catch(() => {});
  }

  return {
    baseURL: server.url,
    context,
    openApp,
    /** Console errors, page errors, crashes and failed requests seen so far on `page`. */
    errors: (page) => [...(pageErrors.get(page) ?? [])],
    close,
  };
}

const num = (v) => (v === null || v === '' ? NaN : Number(v));
const bool = (v) => (v === 'true' ? true : v === 'false' ? false : v);

/** The contract's attributes of every [data-replica], in document order; numbers parsed (NaN when missing). */
export async function replicaAttrs(page) {
  const raw = await page.$$eval('[data-replica]', (els) =>
    els.map((e) => ({
      topic: e.getAttribute('data-topic'),
      partition: e.getAttribute('data-partition'),
      broker: e.getAttribute('data-broker'),
      role: e.getAttribute('data-role'),
      inSync: e.getAttribute('data-in-sync'),
      leo: e.getAttribute('data-leo'),
      hw: e.getAttribute('data-hw'),
    })),
  );
  return raw.map((r) => ({
    ...r,
    partition: num(r.partition),
    broker: num(r.broker),
    inSync: bool(r.inSync),
    leo: num(r.leo),
    hw: num(r.hw),
  }));
}

/** Every [data-broker] that is not a replica: { id, state, controller }. */
export async function brokerAttrs(page) {
  const raw = await page.$$eval('[data-broker]:not([data-replica])', (els) =>
    els.map((e) => ({
      id: e.getAttribute('data-broker'),
      state: e.getAttribute('data-state'),
      controller: e.getAttribute('data-controller'),
    })),
  );
  return raw.map((b) => ({ ...b, id: num(b.id), controller: b.controller === 'true' }));
}

/** Every [data-group] with its members: { name, consumers: [{ id, assigned: [..], lag }] }. */
export async function groupAttrs(page) {
  const raw = await page.$$eval('[data-group]', (groups) =>
    groups.map((g) => ({
      name: g.getAttribute('data-group'),
      consumers: [...g.querySelectorAll('[data-consumer]')].map((c) => ({
        id: c.getAttribute('data-consumer'),
        assigned: c.getAttribute('data-assigned'),
        lag: c.getAttribute('data-lag'),
      })),
    })),
  );
  return raw.map((g) => ({
    ...g,
    consumers: g.consumers.map((c) => ({
      ...c,
      assigned:
        c.assigned === null
          ? null
          : c.assigned
              .split(',')
              .map((s) => s.trim())
              .filter(Boolean),
      lag: num(c.lag),
    })),
  }));
}

/** Every [data-producer]'s name. */
export async function producerNames(page) {
  return page.$$eval('[data-producer]', (els) => els.map((e) => e.getAttribute('data-producer')));
}

/** Calls `read` until `accept(value)` is true; returns that value, or throws with the last value after `timeout` ms. */
export async function pollUntil(read, accept, { timeout = 15_000, interval = 100, what = 'condition' } = {}) {
  const deadline = Date.now() + timeout;
  let last;
  for (;;) {
    last = await read();
    if (accept(last)) return last;
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeout} ms waiting for ${what}; last value: ${JSON.stringify(last)}`);
    }
    await new Promise((r) => setTimeout(r, interval));
  }
}
