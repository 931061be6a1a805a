// The demo page with two players in headless Chromium: each sees the other's dot move
// and the other's chat messages; then a screenshot of the two of them is saved to
// build/browser/demo.png.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import { ROOT, launchBrowser, openDemo, startDemo, waitFor } from './support.mjs';

const SCREENSHOT = join(ROOT, 'build', 'browser', 'demo.png');

describe('demo page, two players', () => {
  let server, browser, alice, bob;
  before(async () => {
    server = await startDemo();
    browser = await launchBrowser();
    alice = await openDemo(browser, server.url, { name: 'alice', color: '#e6194b' });
    bob = await openDemo(browser, server.url, { name: 'bob', color: '#4363d8' });
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  const me = (page) => page.evaluate(() => ({ ...window.demo.players[window.demo.id] }));
  const seen = (page, id) => page.evaluate((id) => window.demo.players[id] ?? null, id);

  /// Presses `keys` on `mover` and waits until `watcher` has the mover's new position.
  async function moveAndWatch(mover, watcher, keys) {
    const start = await me(mover);
    await waitFor(watcher, (id) => window.demo.players[id], 'the other player to appear', start.id);
    for (const key of keys) await mover.keyboard.press(key);
    const end = await me(mover);
    assert.notDeepEqual([end.x, end.y], [start.x, start.y], `${start.name} did not move with ${keys}`);
    await waitFor(
      watcher,
      ([id, x, y]) => window.demo.players[id]?.x === x && window.demo.players[id]?.y === y,
      `${start.name}'s move to (${end.x}, ${end.y}) to reach the other page`,
      [end.id, end.x, end.y],
    );
    return end;
  }

  test('each sees the other arrive, with its name and colour', async () => {
    const a = await me(alice);
    const b = await me(bob);
    assert.notEqual(a.id, b.id);
    await waitFor(bob, (id) => window.demo.players[id], 'bob to see alice', a.id);
    await waitFor(alice, (id) => window.demo.players[id], 'alice to see bob', b.id);
    assert.deepEqual(await seen(bob, a.id), { ...a });
    assert.equal((await seen(alice, b.id)).color, '#4363d8');
  });

  test('arrow keys move a dot on both pages', async () => {
    // Right and down, then left and up: away from an edge the board clamps at, whichever it is.
    await moveAndWatch(alice, bob, ['ArrowRight', 'ArrowRight', 'ArrowRight', 'ArrowDown']);
    await moveAndWatch(alice, bob, ['ArrowLeft', 'ArrowLeft', 'ArrowUp', 'ArrowUp']);
    await moveAndWatch(bob, alice, ['ArrowLeft', 'ArrowUp', 'ArrowUp']);
    await moveAndWatch(bob, alice, ['ArrowRight', 'ArrowDown', 'ArrowDown', 'ArrowDown']);
  });

  test('each sees the other chat message (UTF-8 intact)', async () => {
    const say = async (page, text) => {
      await page.fill('#text', text);
      await page.press('#text', 'Enter');
    };
    const heard = (page, name, text) =>
      waitFor(page, ([name, text]) => window.demo.messages.some((m) => m.name === name && m.text === text),
        `"${text}" from ${name}`, [name, text]);
    await say(alice, 'hello from alice ☃ é');
    await heard(bob, 'alice', 'hello from alice ☃ é');
    await say(bob, 'hi alice, bob here ✓');
    await heard(alice, 'bob', 'hi alice, bob here ✓');
    await heard(bob, 'bob', 'hi alice, bob here ✓');  // everyone gets it, the sender too
    const items = await alice.locator('#messages li').allTextContents();
    assert.deepEqual(items.slice(-2), ['alice hello from alice ☃ é', 'bob hi alice, bob here ✓']);
    // Arrow keys in the chat box move the caret, not the dot.
    const still = await me(alice);
    await alice.press('#text', 'ArrowLeft');
    assert.deepEqual(await me(alice), still);
  });

  test('a screenshot of the two players is saved to build/browser/demo.png', async () => {
    await alice.click('#board');
    await moveAndWatch(alice, bob, ['ArrowDown']);
    mkdirSync(join(ROOT, 'build', 'browser'), { recursive: true });
    await alice.screenshot({ path: SCREENSHOT });
    const png = readFileSync(SCREENSHOT);
    assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'a PNG signature');
    assert.deepEqual([png.readUInt32BE(16), png.readUInt32BE(20)], [1040, 600], 'the viewport size');
    assert.ok(statSync(SCREENSHOT).size > 20_000, `only ${statSync(SCREENSHOT).size} bytes: an empty page?`);
    const players = await alice.locator('#players li').allTextContents();
    assert.deepEqual(players.sort(), ['alice (you)', 'bob']);
    assert.deepEqual(alice.problems, []);
    assert.deepEqual(bob.problems, []);
  });
});
