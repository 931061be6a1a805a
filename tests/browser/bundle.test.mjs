// The npm package inside a bundler's browser build, as a game's front end uses it:
// esbuild bundles an app that imports "twinsock" from the packed tarball
// (--platform=browser), the .wasm is copied next to the bundle, and Chromium runs
// it against the demo server: a Socket.IO chat with an ack and a WebSocket echo.
// The glue's and the facade's Node-only imports (node:module, ws, eventsource) must
// not stop the build: webpack and esbuild refused one before (webpack 5 and
// Vite 8 were also checked by hand: see bindings/js/node_import.js).
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import { build } from 'esbuild';

import { launchBrowser, openPage, packedPackage, startDemo, within } from './support.mjs';

const APP = `
import { io, ReconnectingWebSocket } from 'twinsock';

window.run = async (server) => {
  const socket = io(server, { transports: ['websocket'], auth: { name: 'bundled' } });
  const state = await new Promise((resolve, reject) => {
    socket.once('state', resolve);
    socket.once('connect_error', reject);
  });
  const echoed = await socket.emitWithAck('chat', 'from a bundle');
  socket.disconnect();

  const ws = new ReconnectingWebSocket(server.replace('http', 'ws') + '/ws');
  const reply = await new Promise((resolve) => {
    ws.onopen = () => ws.send('echo from a bundle');
    ws.onmessage = (e) => resolve(e.data);
  });
  ws.close();
  return { name: state.players.find((p) => p.id === state.id)?.name, chat: echoed.text, ws: reply };
};
`;

/** Serves the files of `dir` (the bundle, its .wasm and a page) on a free port. */
function serveFolder(dir) {
  const types = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm' };
  const server = createServer((req, res) => {
    const name = new URL(req.url, 'http://x').pathname.slice(1) || 'index.html';
    if (name === 'favicon.ico') return res.writeHead(204).end();
    try {
      const body = readFileSync(join(dir, name.replace(/[/\\]/g, '')));
      res.writeHead(200, { 'content-type': types[name.slice(name.lastIndexOf('.'))] ?? 'application/octet-stream' });
      res.end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

describe('the npm package in a bundled browser app', () => {
  let dir, demo, files, browser;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'twinsock-bundle-'));
    mkdirSync(join(dir, 'node_modules'));
    symlinkSync(packedPackage(), join(dir, 'node_modules', 'twinsock'), 'dir');
    writeFileSync(join(dir, 'app.js'), APP);
    demo = await startDemo();
  });
  after(async () => {
    await browser?.close();
    files?.close();
    await demo?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('esbuild --platform=browser builds it without a warning, and it runs in Chromium', async () => {
    const out = join(dir, 'out');
    const result = await build({
      entryPoints: [join(dir, 'app.js')], bundle: true, format: 'esm', platform: 'browser',
      outdir: out, absWorkingDir: dir, logLevel: 'silent',
    });
    assert.deepEqual(result.warnings.map((w) => w.text), []);
    copyFileSync(join(packedPackage(), 'dist', 'twinsock_core.wasm'), join(out, 'twinsock_core.wasm'));
    writeFileSync(join(out, 'index.html'), '<!doctype html><script type="module" src="app.js"></script>');

    files = await serveFolder(out);
    browser = await launchBrowser();
    const page = await openPage(browser, `http://127.0.0.1:${files.address().port}/`);
    await page.waitForFunction(() => typeof window.run === 'function', undefined, { timeout: 10_000 });
    const seen = await within(page.evaluate((url) => window.run(url), demo.url.replace(/\/$/, '')), 15_000,
                              'the bundled app to chat and echo');
    assert.deepEqual(seen, { name: 'bundled', chat: 'from a bundle', ws: 'echo from a bundle' });
    assert.deepEqual(page.problems, []);
  });
});
