// The `twinsock io` command line that the demo server prints joins the page's room:
// run as printed (from the repository root), its chat and moves reach a page, and the
// page's chat reaches it. Needs build/native/twinsock (ctest sets TWINSOCK_BIN to it;
// without either, the test is skipped).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import { ROOT, launchBrowser, openDemo, startDemo, waitFor, within } from './support.mjs';

const PRINTED_BIN = join(ROOT, 'build', 'native', 'twinsock');
const required = !!process.env.TWINSOCK_BIN;

describe('the printed twinsock io command', { skip: !required && !existsSync(PRINTED_BIN) && 'no build/native/twinsock' }, () => {
  let server, browser;
  before(async () => {
    server = await startDemo();
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  test('joins the room, chats and moves with a page', async () => {
    assert.ok(existsSync(PRINTED_BIN), `${PRINTED_BIN} is missing (TWINSOCK_BIN=${process.env.TWINSOCK_BIN})`);
    const command = /^ {4}(build\/native\/twinsock io .*)$/m.exec(server.output())?.[1];
    assert.ok(command, `no twinsock io line in the server's output:\n${server.output()}`);
    const page = await openDemo(browser, server.url, { name: 'web' });

    const tool = spawn('bash', ['-c', `exec ${command} --json`], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
    let output = '';
    tool.stdout.on('data', (d) => (output += d));
    tool.stderr.on('data', (d) => (output += d));
    const exited = new Promise((resolve) => tool.on('exit', resolve));
    try {
      const terminal = () => Object.values(window.demo.players).find((p) => p.name === 'terminal');
      await waitFor(page, terminal, 'the terminal to join');
      tool.stdin.write('["chat","hello from the terminal ☃"]\n["move",{"x":320,"y":200}]\n');
      await waitFor(page, () => window.demo.messages.some((m) => m.name === 'terminal' && m.text === 'hello from the terminal ☃'),
        'the terminal\'s chat');
      await waitFor(page, () => Object.values(window.demo.players).some((p) => p.name === 'terminal' && p.x === 320 && p.y === 200),
        'the terminal\'s move');
      await page.fill('#text', 'hi terminal');
      await page.press('#text', 'Enter');
      await within(new Promise((resolve) => {
        const check = () => /"text":"hi terminal"/.test(output) && resolve();
        tool.stdout.on('data', check);
        check();
      }), 10_000, 'the page\'s chat to reach the terminal').catch((e) => {
        throw new Error(`${e.message}; it printed:\n${output}`);
      });
      tool.stdin.end();
      assert.equal(await within(exited, 10_000, 'the terminal to exit at stdin EOF'), 0, output);
      await waitFor(page, () => !Object.values(window.demo.players).some((p) => p.name === 'terminal'), 'the terminal to leave');
    } finally {
      tool.kill('SIGKILL');
    }
  });
});
