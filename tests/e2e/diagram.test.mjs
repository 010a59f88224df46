// The live default scenario, read through the diagram's DOM contract (shared design, "The diagram's DOM contract"):
// a producer, three brokers each leading one partition of `orders`, and the `order-service` group's three consumers.
// Run: `node --test tests/e2e/` after `trunk build --release` (scripts/test.sh does both).

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { brokerAttrs, groupAttrs, launch, pollUntil, producerNames, replicaAttrs } from './harness.mjs';

const TIMEOUT = 15_000; // generous overall limit for anything that should happen "soon" while playing

let h;
let page;

/** Reads the replicas and checks HW <= LEO on every one of them, at every read. */
async function readReplicas() {
  const reps = await replicaAttrs(page);
  for (const r of reps) {
    assert.ok(Number.isFinite(r.leo) && Number.isFinite(r.hw), `replica without numeric LEO/HW: ${JSON.stringify(r)}`);
    assert.ok(r.hw <= r.leo, `HW > LEO on replica ${JSON.stringify(r)}`);
  }
  return reps;
}

/** Sums of the leaders' LEO and HW. */
async function leaderSums() {
  const leaders = (await readReplicas()).filter((r) => r.role === 'leader');
  return {
    leo: leaders.reduce((s, r) => s + r.leo, 0),
    hw: leaders.reduce((s, r) => s + r.hw, 0),
  };
}

/** Everything the simulation shows through the contract's numbers: replicas plus consumer assignment and lag. */
async function snapshot() {
  const replicas = await readReplicas();
  const groups = await groupAttrs(page);
  return JSON.stringify({ replicas, groups });
}

async function expectAdvancing(what) {
  const before = await leaderSums();
  await pollUntil(leaderSums, (now) => now.leo > before.leo && now.hw > before.hw, {
    timeout: TIMEOUT,
    what: `${what}: leaders' summed LEO and HW to increase from ${JSON.stringify(before)}`,
  });
}

const button = (name) => page.getByRole('button', { name, exact: true });

describe('default scenario, live', () => {
  before(async () => {
    h = await launch();
    page = await h.openApp('/');
  });

  after(async () => {
    await h?.close();
  });

  test('loads with no console errors or page errors', async () => {
    // Let it run a moment so errors thrown by the first animation frames are seen too.
    await readReplicas();
    await page.waitForTimeout(1000);
    assert.deepEqual(h.errors(page), []);
  });

  test('three brokers 1, 2, 3, all up, exactly one controller', async () => {
    const brokers = await brokerAttrs(page);
    assert.deepEqual(
      brokers.map((b) => b.id).sort((a, b) => a - b),
      [1, 2, 3],
      `brokers: ${JSON.stringify(brokers)}`,
    );
    for (const b of brokers) assert.equal(b.state, 'up', `broker ${b.id} state`);
    assert.equal(brokers.filter((b) => b.controller).length, 1, `controllers: ${JSON.stringify(brokers)}`);
  });

  test('nine replicas of orders: three per broker, one leader per partition, leaders 0,1,2 on brokers 1,2,3', async () => {
    const reps = await readReplicas();
    const orders = reps.filter((r) => r.topic === 'orders');
    assert.equal(orders.length, 9, `replicas of orders: ${JSON.stringify(reps)}`);
    for (const b of [1, 2, 3]) {
      const on = orders.filter((r) => r.broker === b);
      assert.equal(on.length, 3, `replicas of orders on broker ${b}: ${JSON.stringify(on)}`);
      assert.deepEqual(
        on.map((r) => r.partition).sort((x, y) => x - y),
        [0, 1, 2],
        `partitions on broker ${b}`,
      );
    }
    for (const r of orders) {
      assert.ok(['leader', 'follower'].includes(r.role), `data-role of ${JSON.stringify(r)}`);
      assert.ok(typeof r.inSync === 'boolean', `data-in-sync of ${JSON.stringify(r)}`);
    }
    const expectedLeader = { 0: 1, 1: 2, 2: 3 };
    for (const p of [0, 1, 2]) {
      const leaders = orders.filter((r) => r.partition === p && r.role === 'leader');
      assert.equal(leaders.length, 1, `leaders of orders-${p}: ${JSON.stringify(leaders)}`);
      assert.equal(leaders[0].broker, expectedLeader[p], `leader of orders-${p}`);
    }
  });

  test('one producer; group order-service has three consumers that together cover orders-0..2', async () => {
    const producers = await producerNames(page);
    assert.equal(producers.length, 1, `producers: ${JSON.stringify(producers)}`);
    assert.ok(producers[0], 'the producer has a name');

    const groups = await groupAttrs(page);
    const group = groups.find((g) => g.name === 'order-service');
    assert.ok(group, `group order-service among ${JSON.stringify(groups.map((g) => g.name))}`);
    assert.equal(group.consumers.length, 3, `members: ${JSON.stringify(group.consumers)}`);
    for (const c of group.consumers) {
      assert.ok(c.id, 'consumer has a member id');
      assert.ok(c.assigned && c.assigned.length > 0, `consumer ${c.id} has an assignment`);
      assert.ok(Number.isFinite(c.lag) && c.lag >= 0, `consumer ${c.id} data-lag is a number >= 0 (${c.lag})`);
    }
    const covered = [...new Set(group.consumers.flatMap((c) => c.assigned))].sort();
    assert.deepEqual(covered, ['orders-0', 'orders-1', 'orders-2']);
  });

  test('while playing (autoplay), the leaders\' LEO and HW increase', async () => {
    await expectAdvancing('autoplay');
  });

  test('Pause stops the simulation: replica attributes read 1.5 s apart are identical', async () => {
    await button('Pause').click();
    await button('Play').waitFor({ state: 'visible', timeout: 5_000 });
    const first = await snapshot();
    await page.waitForTimeout(1500);
    const second = await snapshot();
    assert.equal(second, first, 'nothing changes while paused');
  });

  test('Step while paused advances the simulation', async () => {
    const before = await snapshot();
    await button('Step').click();
    await pollUntil(snapshot, (now) => now !== before, {
      timeout: TIMEOUT,
      what: 'some LEO/HW/lag/assignment attribute to change after Step',
    });
    // Still paused after a step.
    assert.equal(await button('Play').count(), 1, 'the Play button is still there after Step');
  });

  test('Play resumes the simulation', async () => {
    await button('Play').click();
    await button('Pause').waitFor({ state: 'visible', timeout: 5_000 });
    await expectAdvancing('after Play');
  });

  test('a Speed control exists (select or range input)', async () => {
    const speed = page
      .getByRole('combobox', { name: /speed/i })
      .or(page.getByRole('slider', { name: /speed/i }))
      .or(page.getByRole('listbox', { name: /speed/i }));
    assert.ok((await speed.count()) >= 1, 'a select or range input labelled "Speed"');
  });

  test('still no console errors or page errors at the end', async () => {
    await readReplicas();
    assert.deepEqual(h.errors(page), []);
  });
});
