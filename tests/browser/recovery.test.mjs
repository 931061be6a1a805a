// The demo page survives its server: killed (SIGKILL) and started again on the same
// port, the page says "reconnecting", then "connected" again, and chat works again.
// It also survives the browser going offline and coming back.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { launchBrowser, openDemo, sleep, startDemo, waitFor } from './support.mjs';

describe('demo page across a server restart', () => {
  let server, browser;
  before(async () => {
    server = await startDemo();
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  const chat = async (page, text) => {
    await page.fill('#text', text);
    await page.press('#text', 'Enter');
    await waitFor(page, (text) => window.demo.messages.some((m) => m.text === text), `"${text}" to come back`, text);
  };

  test('status goes reconnecting, then connected; chat and moves work again', async () => {
    const page = await openDemo(browser, server.url, { name: 'carol' });
    await chat(page, 'before the restart');
    const firstId = await page.evaluate(() => window.demo.id);
    await page.click('#board');
    await page.keyboard.press('ArrowDown');
    const where = await page.evaluate(() => ({ ...window.demo.players[window.demo.id] }));
    const port = server.port;

    await server.kill();
    await waitFor(page, () => window.demo.status === 'reconnecting', 'the page to notice the server is gone');
    assert.equal(await page.locator('#status').getAttribute('data-state'), 'reconnecting');
    await sleep(300);  // a retry or two against the closed port

    server = await startDemo(port);
    await waitFor(page, () => window.demo.status === 'connected', 'the page to reconnect', undefined, 15_000);
    assert.equal(await page.locator('#status').textContent(), 'connected');
    // A new server knows nothing of the old session: a new id, an empty chat history.
    await waitFor(page, (old) => window.demo.id && window.demo.id !== old, 'the new server\'s state', firstId);
    await chat(page, 'after the restart');

    // A newcomer sees the reconnected player (state is served afresh).
    const other = await openDemo(browser, server.url, { name: 'dave' });
    const id = await page.evaluate(() => window.demo.id);
    // ... where it was before the restart (the page tells the new server), and moving.
    await waitFor(other, ([id, x, y]) => window.demo.players[id]?.x === x && window.demo.players[id]?.y === y,
      'dave to see carol where she was', [id, where.x, where.y]);
    await page.click('#board');
    await page.keyboard.press(where.x > 100 ? 'ArrowLeft' : 'ArrowRight');
    const moved = await page.evaluate(() => ({ ...window.demo.players[window.demo.id] }));
    assert.notEqual(moved.x, where.x);
    await waitFor(other, ([id, x]) => window.demo.players[id]?.x === x, 'dave to see carol move', [id, moved.x]);
    await chat(other, 'hello carol');
    await waitFor(page, () => window.demo.messages.some((m) => m.name === 'dave' && m.text === 'hello carol'), 'carol to hear dave');
    assert.deepEqual(page.problems.filter((p) => !/ERR_CONNECTION_REFUSED|WebSocket connection/.test(p)), []);
  });

  test('going offline closes the connection at once; back online it reconnects', async () => {
    // The demo server pings every 25 s and waits 20 s more: without the browser's
    // "offline" event the page would notice the loss after up to 45 s.
    const page = await openDemo(browser, server.url, { name: 'erin' });
    await waitFor(page, () => window.demo.status === 'connected', 'the page to connect');
    await chat(page, 'before going offline');
    await page.context().setOffline(true);
    await waitFor(page, () => window.demo.status === 'reconnecting', 'the page to notice it is offline', undefined, 5000);
    await page.context().setOffline(false);
    await waitFor(page, () => window.demo.status === 'connected', 'the page to reconnect once online', undefined, 15_000);
    await chat(page, 'back online');
    await page.close();
  });
});
