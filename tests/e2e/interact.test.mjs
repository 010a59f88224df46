// Interacting with the live cluster in headless Chromium: direct manipulation (mouse and keyboard-only),
// the seed's failover story, timeline scrubbing, shortcuts, event-log highlighting and config refusals.
// Each test opens its own page (they change the cluster) and ends by checking there were no console errors.
// Run: `node --test tests/e2e/` after `trunk build --release` (scripts/test.sh does both).

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { brokerAttrs, groupAttrs, launch, pollUntil, replicaAttrs } from './harness.mjs';

const TIMEOUT = 20_000;
let h;

before(async () => {
  h = await launch();
});

after(async () => {
  await h?.close();
});

const brokerHandle = (page, id) => page.locator(`[data-broker="${id}"]:not([data-replica]) .broker-handle`);
const virtualTime = (page) => page.$eval('[data-virtual-time]', (e) => Number(e.getAttribute('data-virtual-time')));
const setSpeed = (page, speed) => page.getByRole('combobox', { name: 'Speed', exact: true }).selectOption(String(speed));

async function partition(page, topic, p) {
  const reps = (await replicaAttrs(page)).filter((r) => r.topic === topic && r.partition === p);
  return { leader: reps.find((r) => r.role === 'leader')?.broker, replicas: reps };
}

async function leaderHwSum(page) {
  return (await replicaAttrs(page)).filter((r) => r.role === 'leader').reduce((s, r) => s + r.hw, 0);
}

function assertNoErrors(page) {
  assert.deepEqual(h.errors(page), [], 'no console or page errors');
}

describe('interacting with the cluster', () => {
  test('kill the leader broker: an in-sync follower takes over and records keep flowing', async () => {
    const page = await h.openApp('/');
    await setSpeed(page, 10);
    await pollUntil(() => virtualTime(page), (t) => t > 3_000, { what: 'the cluster to run a moment' });
    const before = await partition(page, 'orders', 0);
    const followersInSync = before.replicas.filter((r) => r.role === 'follower' && r.inSync).map((r) => r.broker);
    assert.ok(followersInSync.length > 0, `orders-0 has in-sync followers: ${JSON.stringify(before)}`);

    await brokerHandle(page, before.leader).click();
    await page.getByRole('menuitem', { name: 'Kill (hard)' }).click();

    const down = await pollUntil(
      () => brokerAttrs(page),
      (bs) => bs.find((b) => b.id === before.leader)?.state === 'down',
      { timeout: TIMEOUT, what: `broker ${before.leader} down` },
    );
    assert.ok(down);
    const after = await pollUntil(
      () => partition(page, 'orders', 0),
      (p) => p.leader !== undefined && p.leader !== before.leader,
      { timeout: TIMEOUT, what: 'orders-0 to elect a new leader' },
    );
    assert.ok(followersInSync.includes(after.leader), `new leader ${after.leader} was in the ISR ${followersInSync}`);

    const hw = await leaderHwSum(page);
    await pollUntil(() => leaderHwSum(page), (now) => now > hw, { timeout: TIMEOUT, what: 'records to keep flowing' });
    assert.ok((await page.locator('.event-log li[data-kind=partition]').count()) > 0, 'the election is in the event log');
    assertNoErrors(page);
    await page.close();
  });

  test('keyboard only: Tab reaches a broker, Enter opens its menu, Enter triggers an action', async () => {
    const page = await h.openApp('/');
    let reached = null;
    for (let i = 0; i < 40 && !reached; i++) {
      await page.keyboard.press('Tab');
      reached = await page.evaluate(() => {
        const el = document.activeElement;
        return el?.classList.contains('broker-handle') ? el.closest('[data-broker]').getAttribute('data-broker') : null;
      });
    }
    assert.ok(reached, 'Tab reaches a broker');
    const focusStyle = await page.evaluate(() => document.activeElement.matches(':focus-visible'));
    assert.ok(focusStyle, 'the focused broker shows focus');
    await page.keyboard.press('Enter');
    const focusedItem = await page.evaluate(() => document.activeElement?.getAttribute('role') + ':' + document.activeElement?.textContent);
    assert.equal(focusedItem, 'menuitem:Kill (hard)', 'focus moves into the menu');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter'); // Stop gracefully
    await pollUntil(
      () => brokerAttrs(page),
      (bs) => bs.find((b) => String(b.id) === reached)?.state === 'down',
      { timeout: TIMEOUT, what: `broker ${reached} stopped from the keyboard` },
    );
    await pollUntil(
      () => page.evaluate(() => document.activeElement?.textContent),
      (text) => text === 'Restart',
      { what: 'focus to stay in the menu, on its new first action' },
    );
    await page.keyboard.press('Escape');
    await page.getByRole('menu').waitFor({ state: 'detached', timeout: 5_000 });
    assertNoErrors(page);
    await page.close();
  });

  test('stop gracefully, then restart, from the broker menu', async () => {
    const page = await h.openApp('/');
    await brokerHandle(page, 2).click();
    await page.getByRole('menuitem', { name: 'Stop gracefully' }).click();
    await pollUntil(() => brokerAttrs(page), (bs) => bs.find((b) => b.id === 2)?.state === 'down', { what: 'broker 2 down' });
    // The menu follows the broker's state: a stopped broker offers Restart.
    await page.getByRole('menuitem', { name: 'Restart' }).click();
    await pollUntil(() => brokerAttrs(page), (bs) => bs.find((b) => b.id === 2)?.state === 'up', { what: 'broker 2 up' });
    assert.equal(await page.getByRole('menuitem', { name: 'Restart' }).count(), 0, 'a running broker offers no restart');
    assertNoErrors(page);
    await page.close();
  });

  test('scrubbing the timeline back shows an earlier offset, and forward again the later one', async () => {
    const page = await h.openApp('/');
    await setSpeed(page, 10);
    await pollUntil(() => virtualTime(page), (t) => t > 15_000, { timeout: TIMEOUT, what: 'virtual time past 15 s' });
    await page.getByRole('button', { name: 'Pause', exact: true }).click();
    await page.getByRole('button', { name: 'Play', exact: true }).waitFor();
    // Where playback paused is rarely on the slider's 100 ms grid, so the moment compared is the grid
    // point at or before it: reached by scrubbing, read, left, and reached again.
    const paused = await pollUntil(
      async () => ({ t: await virtualTime(page), t2: (await page.waitForTimeout(250), await virtualTime(page)) }),
      (m) => m.t === m.t2,
      { what: 'a settled paused moment' },
    );
    const scrub = (t) =>
      page.$eval(
        'input[aria-label=Timeline]',
        (el, value) => {
          el.value = String(value);
          el.dispatchEvent(new Event('input', { bubbles: true }));
        },
        t,
      );
    // The HW of the moment shown, once two reads a little apart agree (the diagram has drawn it).
    const settledHw = async () => {
      const [hw] = await pollUntil(
        async () => [await leaderHwSum(page), (await page.waitForTimeout(200), await leaderHwSum(page))],
        ([a, b]) => a === b,
        { what: 'a settled HW' },
      );
      return hw;
    };
    const lateTime = Math.floor(paused.t / 100) * 100;
    await scrub(lateTime);
    await pollUntil(() => virtualTime(page), (t) => t === lateTime, { what: `time ${lateTime} ms after scrubbing` });
    const lateHw = await settledHw();
    await scrub(3_000);
    await pollUntil(() => virtualTime(page), (t) => t === 3_000, { what: 'time 3 s after scrubbing' });
    const earlyHw = await settledHw();
    assert.ok(earlyHw < lateHw, `HW at 3 s (${earlyHw}) is below HW at ${lateTime} ms (${lateHw})`);
    await scrub(lateTime);
    await pollUntil(() => virtualTime(page), (t) => t === lateTime, { what: `time ${lateTime} ms again` });
    await pollUntil(() => leaderHwSum(page), (hw) => hw === lateHw, { what: 'the same HW again (deterministic replay)' });
    assertNoErrors(page);
    await page.close();
  });

  test('shortcuts: Space pauses and plays, → steps while paused', async () => {
    const page = await h.openApp('/');
    await page.locator('body').click({ position: { x: 2, y: 2 } });
    await page.keyboard.press('Space');
    await page.getByRole('button', { name: 'Play', exact: true }).waitFor();
    const t = await virtualTime(page);
    await page.keyboard.press('ArrowRight');
    await pollUntil(() => virtualTime(page), (now) => now > t, { what: 'a step to advance time' });
    await page.keyboard.press('Space');
    await page.getByRole('button', { name: 'Pause', exact: true }).waitFor();
    assertNoErrors(page);
    await page.close();
  });

  test('hovering an event highlights the elements it mentions', async () => {
    const page = await h.openApp('/');
    await brokerHandle(page, 3).click();
    await page.getByRole('menuitem', { name: 'Kill (hard)' }).click();
    const line = page.locator('.event-log li', { hasText: 'broker 3 crashed' }).first();
    await line.hover();
    await page.locator('[data-broker="3"]:not([data-replica]).highlight').waitFor({ timeout: 5_000 });
    await line.blur();
    assertNoErrors(page);
    await page.close();
  });

  test('an invalid config value is refused with Kafka\'s reason', async () => {
    const page = await h.openApp('/');
    const field = page.locator('[data-config-producer="Producer App"] form[data-config=rate]');
    await field.locator('input').fill('-1');
    await field.getByRole('button', { name: 'Apply' }).click();
    const alert = await field.getByRole('alert').textContent();
    assert.equal(alert, 'Invalid value -1 for configuration rate: Value must be at least 0');
    assertNoErrors(page);
    await page.close();
  });

  test('a refused action shows the engine\'s reason in the menu', async () => {
    const page = await h.openApp('/');
    await brokerHandle(page, 1).click();
    await page.getByRole('menuitem', { name: 'Remove from cluster' }).click();
    const alert = page.locator('.action-menu [role=alert]');
    await alert.waitFor({ timeout: 5_000 });
    const text = await alert.textContent();
    assert.match(text, /^Refused: .+/, text);
    assert.equal((await brokerAttrs(page)).length, 3, 'still three brokers');
    assertNoErrors(page);
    await page.close();
  });

  test('acks=all with RF 3, min.insync.replicas 2 and two brokers down: NOT_ENOUGH_REPLICAS shown', async () => {
    const page = await h.openApp('/');
    await setSpeed(page, 50);
    for (const id of [2, 3]) {
      await brokerHandle(page, id).click();
      await page.getByRole('menuitem', { name: 'Kill (hard)' }).click();
    }
    await page.locator('[data-outcomes="Producer App"] [data-error=NOT_ENOUGH_REPLICAS]').waitFor({ timeout: TIMEOUT });
    assertNoErrors(page);
    await page.close();
  });

  test('a producer rate above what the consumers process makes lag rise', async () => {
    const page = await h.openApp('/');
    await setSpeed(page, 10);
    const lag = async () => (await groupAttrs(page))[0].consumers.reduce((s, c) => s + c.lag, 0);
    await page.getByRole('button', { name: 'Pause', exact: true }).click();
    const field = page.locator('[data-config-producer="Producer App"] form[data-config=rate]');
    await field.locator('input').fill('60');
    await field.getByRole('button', { name: 'Apply' }).click();
    await page.getByRole('button', { name: 'Play', exact: true }).click();
    await pollUntil(lag, (l) => l > 100, { timeout: TIMEOUT, what: 'total lag above 100 records' });
    assertNoErrors(page);
    await page.close();
  });

  test('a hot key carrying 90% of the records: one partition\'s log end offset dominates', async () => {
    const page = await h.openApp('/');
    await setSpeed(page, 10);
    // Configure while paused: the panels above keep growing while playing, and Playwright waits for a still target.
    await page.getByRole('button', { name: 'Pause', exact: true }).click();
    const producer = page.locator('[data-config-producer="Producer App"]');
    const rate = producer.locator('form[data-config=rate]');
    await rate.locator('input').fill('50');
    await rate.getByRole('button', { name: 'Apply' }).click();
    const keys = producer.locator('form[data-config=keys]');
    await keys.getByRole('combobox', { name: 'Key distribution' }).selectOption('hot');
    await keys.getByRole('textbox', { name: 'Hot key share percent' }).fill('90');
    await keys.getByRole('button', { name: 'Apply' }).click();
    assert.equal(await keys.getByRole('alert').count(), 0, 'the key distribution was accepted');
    await page.getByRole('button', { name: 'Play', exact: true }).click();
    const leos = async () =>
      Object.fromEntries((await replicaAttrs(page)).filter((r) => r.role === 'leader').map((r) => [r.partition, r.leo]));
    const start = await leos();
    const growth = await pollUntil(
      async () => {
        const now = await leos();
        return Object.keys(now).map((p) => now[p] - (start[p] ?? 0)).sort((a, b) => b - a);
      },
      (g) => g[0] > 300,
      { timeout: TIMEOUT, what: 'the hot partition to take 300 records' },
    );
    assert.ok(growth[0] > 5 * growth[1], `one partition dominates: growth per partition ${growth}`);
    assertNoErrors(page);
    await page.close();
  });

  test('a 4th consumer on 3 partitions is idle', async (t) => {
    const page = await h.openApp('/');
    const add = page.getByRole('button', { name: 'Add consumer' });
    if ((await add.count()) === 0) {
      t.skip('the engine on this build has no add-consumer command yet');
      await page.close();
      return;
    }
    await add.first().click();
    const groups = await pollUntil(
      () => groupAttrs(page),
      (gs) => gs[0].consumers.length === 4 && gs[0].consumers.filter((c) => c.assigned.length === 0).length === 1,
      { timeout: TIMEOUT, what: 'four members, one idle' },
    );
    assert.equal(groups[0].consumers.length, 4);
    assertNoErrors(page);
    await page.close();
  });
});
