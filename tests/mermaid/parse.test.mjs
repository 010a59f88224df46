// Every exported Mermaid text under tests/mermaid/ (written by `cargo test --test share_mermaid`) parses with the
// real `mermaid` package, loaded in headless Chromium (mermaid needs a DOM). The seed's original, broken diagram
// is the control: it must fail, or this test proves nothing.
//
//   node --test tests/mermaid/

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CHROMIUM, CHROMIUM_FLAGS } from '../e2e/harness.mjs';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const HERE = fileURLToPath(new URL('./', import.meta.url));
const require = createRequire(join(ROOT, 'www', 'package.json'));
const { chromium } = require('playwright-core');
const MERMAID = join(ROOT, 'www', 'node_modules', 'mermaid', 'dist', 'mermaid.min.js');

let context;
let page;
let userDataDir;

before(async () => {
  userDataDir = await mkdtemp(join(tmpdir(), 'kafkaviz-mermaid-'));
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_FLAGS,
  });
  page = await context.newPage();
  await page.setContent('<!doctype html><html><body></body></html>');
  await page.addScriptTag({ path: MERMAID });
  await page.evaluate(() => window.mermaid.initialize({ startOnLoad: false }));
});

after(async () => {
  await context?.close();
  await rm(userDataDir, { recursive: true, force: true });
});

/** Parses and renders `text` in the page; resolves to null when fine, else the error message. */
async function mermaidError(text) {
  return page.evaluate(async (t) => {
    try {
      await window.mermaid.parse(t);
      await window.mermaid.render('m' + Math.random().toString(36).slice(2), t);
      return null;
    } catch (e) {
      return String(e?.message ?? e);
    }
  }, text);
}

test('the seed\'s original diagram fails to parse (the control)', async () => {
  const seed = [
    'flowchart TD',
    '    subgraph "Kafka Cluster"',
    '        subgraph "Broker 1"',
    '            T1P0[Topic A<br>Partition 0<br>(Leader)]',
    '        end',
    '    end',
  ].join('\n');
  const err = await mermaidError(seed);
  assert.ok(err && /Parse error|Expecting/.test(err), `expected a parse error, got ${err}`);
});

test('every exported Mermaid fixture parses and renders', async () => {
  const files = (await readdir(HERE)).filter((f) => f.endsWith('.mmd'));
  assert.ok(files.length >= 3, `fixtures missing: ${files}`);
  for (const f of files) {
    const text = await readFile(join(HERE, f), 'utf8');
    assert.equal(await mermaidError(text), null, `${f} does not parse`);
  }
});

test('rendered labels show the names as written', async () => {
  const text = await readFile(join(HERE, 'nasty-names.mmd'), 'utf8');
  const labels = await page.evaluate(async (t) => {
    const { svg } = await window.mermaid.render('nasty', t);
    const div = document.createElement('div');
    div.innerHTML = svg;
    return div.textContent;
  }, text);
  for (const name of ['Order "Service" (v2) [beta]', '#1 <b>bold</b> & co; end', 'ünïcødé 漢字 🙂', 'a --> b |x| {y} %%']) {
    assert.ok(labels.includes(name), `rendered text lacks ${JSON.stringify(name)}: ${labels.slice(0, 400)}`);
  }
});
