// Share links, embed mode and export in headless Chromium (issue 5, web side). Links from the Rust fixture
// (tests/fixtures/share-link.json, made by `share_fragment` in tests/share_web.rs) must open to exactly the pinned
// replica offsets; Copy link must round-trip through the address bar; exports must be real files.
// Run: `node --test tests/e2e/` after `trunk build --release`.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brokerAttrs, launch, pollUntil, replicaAttrs } from './harness.mjs';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const fixture = JSON.parse(await readFile(join(ROOT, 'tests/fixtures/share-link.json'), 'utf8'));

let h;
let scratch;

/** The replicas in the fixture's shape and order. */
async function replicaState(page) {
  const rows = (await replicaAttrs(page)).map((r) => ({
    broker: r.broker,
    hw: r.hw,
    leo: r.leo,
    partition: r.partition,
    role: r.role,
    topic: r.topic,
  }));
  rows.sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition || a.broker - b.broker);
  return rows;
}

const button = (page, name) => page.getByRole('button', { name, exact: true });
const scenarioName = (page) => page.locator('.scenario-name').textContent();
const assertNoErrors = (page) => assert.deepEqual(h.errors(page), [], 'no console or page errors');

/** Opens the export menu (unless open) and clicks `name`, returning the download it starts. */
async function exportDownload(page, name) {
  if ((await button(page, 'Export').getAttribute('aria-expanded')) !== 'true') await button(page, 'Export').click();
  const [download] = await Promise.all([page.waitForEvent('download', { timeout: 15_000 }), button(page, name).click()]);
  const path = await download.path();
  return { name: download.suggestedFilename(), bytes: await readFile(path) };
}

describe('share links, embed and export', () => {
  before(async () => {
    h = await launch();
    scratch = await mkdtemp(join(tmpdir(), 'kafkaviz-share-'));
  });
  after(async () => {
    await h?.close();
    await rm(scratch, { recursive: true, force: true });
  });

  for (const kind of ['preset', 'encoded']) {
    test(`a ${kind} link opens paused at its moment with the pinned offsets`, async () => {
      const { fragment, replicas } = fixture[kind];
      const page = await h.openApp(`/#${fragment}`);
      await pollUntil(() => replicaState(page), (r) => JSON.stringify(r) === JSON.stringify(replicas), {
        what: `the ${kind} link's replica offsets ${JSON.stringify(replicas)}`,
      });
      assert.equal(await button(page, 'Play').count(), 1, 'a shared moment opens paused');
      await page.waitForTimeout(300);
      assert.deepEqual(await replicaState(page), replicas, 'and stays there');
      assertNoErrors(page);
      await page.close();
    });
  }

  test('a link to a moment too far to replay stops at the budget, says so, and plays on from there', async () => {
    // A simulated day of a preset is tens of millions of engine events: more than a tab may replay at once.
    const day = 86_400_000;
    const page = await h.openApp(`/#preset=broker-failure&t=${day}`);
    const notice = page.locator('[data-replay-cut]');
    await notice.waitFor({ timeout: 30_000 });
    assert.match(await notice.textContent(), /would take too long in this tab .* stopped at/);
    const time = async () => Number(await page.locator('[data-virtual-time]').getAttribute('data-virtual-time'));
    const reached = await time();
    assert.ok(reached > 0 && reached < day, `stopped part way (${reached} ms)`);
    await button(page, 'Play').click();
    await pollUntil(time, (t) => t > reached, { what: 'time moving on from the moment reached' });
    assertNoErrors(page);
    await page.close();
  });

  test('Copy link after a guided step makes an encoded link that reopens the same state', async () => {
    const page = await h.openApp('/#preset=broker-failure');
    await page.locator('[data-guided=broker-failure]').waitFor();
    await page.waitForTimeout(1_500);
    await button(page, 'Do step 1').click();
    await pollUntil(() => brokerAttrs(page), (bs) => bs.find((b) => b.id === 2)?.state === 'down', { what: 'broker 2 killed' });
    await page.waitForTimeout(1_000);
    await button(page, 'Pause').click();
    await page.waitForTimeout(200);
    const state = await replicaState(page);
    await button(page, 'Copy link').click();
    const hash = await page.evaluate(() => location.hash);
    assert.match(hash, /^#s=1\./, 'a session with an action is an encoded link');
    const length = await page.locator('[data-link-length]').getAttribute('data-link-length');
    assert.equal(Number(length), (await page.locator('input[aria-label="Share link"]').inputValue()).length);
    assert.ok(Number(length) < 200, `short link: ${length} characters`);

    const again = await h.openApp(`/${hash}`);
    await pollUntil(() => replicaState(again), (r) => JSON.stringify(r) === JSON.stringify(state), {
      what: `the copied link to reopen ${JSON.stringify(state)}`,
    });
    assert.deepEqual((await brokerAttrs(again)).find((b) => b.id === 2)?.state, 'down');
    assertNoErrors(page);
    assertNoErrors(again);
    await page.close();
    await again.close();
  });

  test('the gallery opens a preset and shows its guided steps', async () => {
    const page = await h.openApp('/');
    await button(page, 'Gallery').click();
    await page.locator('[data-preset=hot-partition] button').click();
    await pollUntil(() => scenarioName(page), (n) => /hot/i.test(n), { what: 'the hot partition preset' });
    assert.equal(await page.evaluate(() => location.hash), '#preset=hot-partition');
    assert.ok((await page.locator('[data-guided=hot-partition] li.guided-step').count()) > 0);
    assertNoErrors(page);
    await page.close();
  });

  test('the embed example page renders both iframes in embed mode', async () => {
    const page = await h.openApp('/embed-example.html', { waitFor: 'iframe' });
    const frames = page.frames().filter((f) => f !== page.mainFrame());
    assert.equal(frames.length, 2);
    for (const frame of frames) {
      await frame.waitForSelector('[data-embed] svg.diagram [data-replica]', { timeout: 20_000 });
      assert.equal(await frame.locator('.sidebar, .share-bar').count(), 0, 'minimal chrome');
      const href = await frame.locator('a.embed-open').getAttribute('href');
      assert.ok(href.includes('#') && !href.includes('embed=1'), `Open in kafkaviz: ${href}`);
    }
    const caption = await frames[0].locator('.embed-caption').textContent();
    assert.equal(caption, 'Consumers slower than the producer: lag grows');
    // The encoded one says autoplay=0: paused at 9 s with the pinned offsets.
    const encoded = frames.find((f) => f.url().includes('#s=1.'));
    assert.equal(await encoded.getByRole('button', { name: 'Play', exact: true }).count(), 1);
    const rows = (await replicaAttrs(encoded)).map((r) => ({ broker: r.broker, hw: r.hw, leo: r.leo, partition: r.partition, role: r.role, topic: r.topic }));
    rows.sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition || a.broker - b.broker);
    assert.deepEqual(rows, fixture.encoded.replicas);
    assertNoErrors(page);
    await page.close();
  });

  test('JSON export then import round-trips; a broken file says where and keeps the session', async () => {
    const source = await h.openApp('/#preset=hot-partition');
    const json = await exportDownload(source, 'Download JSON');
    assert.match(json.name, /\.json$/);
    const scenario = JSON.parse(json.bytes.toString('utf8'));
    const file = join(scratch, json.name);
    await writeFile(file, json.bytes);

    const page = await h.openApp('/');
    const before = await scenarioName(page);
    const broken = join(scratch, 'broken.json');
    await writeFile(broken, '{\n  "version": 1,\n  oops\n}\n');
    await button(page, 'Export').click();
    await page.locator('input[type=file][aria-label="Import JSON"]').setInputFiles(broken);
    const error = await page.locator('[data-import-error]').textContent();
    assert.match(error, /line 3, column 3/);
    assert.equal(await scenarioName(page), before, 'the session is kept');

    await page.locator('input[type=file][aria-label="Import JSON"]').setInputFiles(file);
    await pollUntil(() => scenarioName(page), (n) => n === scenario.name, { what: `imported "${scenario.name}"` });
    const again = await exportDownload(page, 'Download JSON');
    assert.deepEqual(JSON.parse(again.bytes.toString('utf8')), scenario, 'export → import → export is the same file');
    assertNoErrors(source);
    assertNoErrors(page);
    await source.close();
    await page.close();
  });

  test('SVG export is well-formed standalone XML and PNG export is a non-empty PNG', async () => {
    const page = await h.openApp('/');
    await page.waitForTimeout(1_000);
    const svg = await exportDownload(page, 'Download SVG');
    assert.match(svg.name, /\.svg$/);
    const check = await page.evaluate((text) => {
      const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
      return {
        error: doc.querySelector('parsererror')?.textContent ?? null,
        root: doc.documentElement.localName,
        ns: doc.documentElement.namespaceURI,
        replicas: doc.querySelectorAll('[data-replica]').length,
        styled: doc.querySelector('.broker-box')?.getAttribute('style') ?? '',
        links: [...doc.querySelectorAll('link, style')].length,
      };
    }, svg.bytes.toString('utf8'));
    assert.equal(check.error, null);
    assert.equal(check.root, 'svg');
    assert.equal(check.ns, 'http://www.w3.org/2000/svg');
    assert.equal(check.replicas, 9);
    assert.match(check.styled, /fill:\s*rgb/, 'computed styles are inlined');

    const png = await exportDownload(page, 'Download PNG');
    assert.match(png.name, /\.png$/);
    assert.ok(png.bytes.length > 1000, `PNG of ${png.bytes.length} bytes`);
    assert.deepEqual([...png.bytes.subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47], 'PNG signature');
    assertNoErrors(page);
    await page.close();
  });

  test('Mermaid and paste import dialogs', async () => {
    const page = await h.openApp('/');
    await button(page, 'Export').click();
    await button(page, 'Mermaid').click();
    const text = await page.locator('textarea[aria-label="Mermaid text"]').inputValue();
    assert.match(text, /^flowchart/);
    await button(page, 'Close').click();
    await button(page, 'Import from a cluster').click();
    await page.locator('#paste-topics').fill('Topic: x\nnot a describe line\n');
    await button(page, 'Import').click();
    assert.match(await page.locator('[data-import-error]').last().textContent(), /line \d+/);
    const topics = await readFile(join(ROOT, 'tests/fixtures/kafka-topics-describe.txt'), 'utf8');
    await page.locator('#paste-topics').fill(topics);
    await button(page, 'Import').click();
    await page.locator('[data-import-notes]').waitFor();
    await pollUntil(() => scenarioName(page), (n) => n === 'Imported cluster', { what: 'the imported cluster' });
    assertNoErrors(page);
    await page.close();
  });

  const badLinks = [
    ['corrupted', '#s=1.!!not*base64', /damaged/],
    ['truncated', `#${fixture.encoded.fragment.slice(0, -6)}`, /damaged/],
    ['future version', '#s=9.AAAA', /newer kafkaviz \(link format 9/],
    ['oversized', `#s=1.${'A'.repeat(400_001)}`, /links longer than 400000 are not opened/],
  ];
  for (const [kind, hash, message] of badLinks) {
    test(`a ${kind} link shows its message, opens the default scenario, and the app stays usable`, async () => {
      const page = await h.openApp(`/${hash}`);
      const banner = await page.locator('[data-link-error]').textContent();
      assert.match(banner, message);
      assert.match(banner, /The default scenario is open instead/);
      assert.equal((await brokerAttrs(page)).length, 3);
      await button(page, 'Pause').click();
      await button(page, 'Play').click();
      await button(page, 'Dismiss').click();
      assert.equal(await page.locator('[data-link-error]').count(), 0);
      assertNoErrors(page);
      await page.close();
    });
  }

  test('a bad link pasted after recording an action keeps the session; a good one opens without reload', async () => {
    const page = await h.openApp('/#preset=broker-failure');
    await page.locator('[data-guided=broker-failure]').waitFor();
    await button(page, 'Do step 1').click();
    const name = await scenarioName(page);
    await page.evaluate(() => (location.hash = '#preset=no-such-story'));
    const banner = await page.locator('[data-link-error]').textContent();
    assert.match(banner, /no built-in scenario "no-such-story"/);
    assert.match(banner, /Your session is kept/);
    assert.equal(await scenarioName(page), name);
    assert.equal((await brokerAttrs(page)).find((b) => b.id === 2)?.state, 'down', 'the recorded kill is still there');

    page.once('dialog', (d) => d.accept());
    await page.evaluate(() => (location.hash = '#preset=consumer-lag&t=3000'));
    await pollUntil(() => page.locator('[data-guided]').getAttribute('data-guided'), (id) => id === 'consumer-lag', {
      what: 'the pasted link to open',
    });
    assert.equal(await page.locator('[data-link-error]').count(), 0);
    assertNoErrors(page);
    await page.close();
  });
});
