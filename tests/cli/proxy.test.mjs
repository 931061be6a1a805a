// `twinsock ws` and `twinsock sse` through the HTTP CONNECT proxy of
// tests/servers/proxy.mjs, chosen by --proxy or by the HTTP_PROXY environment.
// Each test starts its own proxy, so its tunnel log is the test's alone.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { assertJsonLines, errors, getJson, messages, ofType, run, runToEnd, show, startServer, toolEnv, unusedPort } from './support.mjs';

let wsServer;
let sseServer;

before(async () => {
  [wsServer, sseServer] = await Promise.all([startServer('ws-server.mjs'), startServer('sse-server.mjs')]);
});
after(async () => {
  await Promise.all([wsServer?.stop(), sseServer?.stop()]);
});

async function withProxy(body, args = []) {
  const proxy = await startServer('proxy.mjs', args);
  try {
    return await body(proxy, () => getJson(proxy.port, '/log'));
  } finally {
    await proxy.stop();
  }
}

async function wsEcho(args, env) {
  const tool = run(['ws', `ws://127.0.0.1:${wsServer.port}/echo`, '--json', ...args], { env });
  tool.write('through the tunnel');
  await tool.waitFor(ofType('message'), 10_000, 'the echo');
  tool.end();
  return tool.exit();
}

describe('proxy', { concurrency: 3 }, () => {
  test('ws via --proxy: the connection goes through a CONNECT tunnel', async () => {
    await withProxy(async (proxy, log) => {
      const result = await wsEcho(['--proxy', `http://127.0.0.1:${proxy.port}`]);
      assert.equal(result.code, 0, show(result));
      assertJsonLines(result);
      assert.deepEqual(messages(result).map((m) => m.data), ['through the tunnel']);
      assert.deepEqual(await log(), [`127.0.0.1:${wsServer.port}`]);
    });
  });

  test('ws via HTTP_PROXY in the environment', async () => {
    await withProxy(async (proxy, log) => {
      const result = await wsEcho([], toolEnv({ HTTP_PROXY: `http://127.0.0.1:${proxy.port}` }));
      assert.equal(result.code, 0, show(result));
      assert.deepEqual(messages(result).map((m) => m.data), ['through the tunnel']);
      assert.deepEqual(await log(), [`127.0.0.1:${wsServer.port}`]);
    });
  });

  test('sse via --proxy', async () => {
    await withProxy(async (proxy, log) => {
      const result = await runToEnd(['sse', `http://127.0.0.1:${sseServer.port}/events?n=2`, '--json', '--no-reconnect',
        '--proxy', `http://127.0.0.1:${proxy.port}`]);
      assert.equal(result.code, 0, show(result));
      assertJsonLines(result);
      assert.deepEqual(messages(result).map((m) => m.data), ['event 1', 'event 2']);
      assert.deepEqual(await log(), [`127.0.0.1:${sseServer.port}`]);
    });
  });

  test('sse via HTTP_PROXY in the environment (host:port form)', async () => {
    await withProxy(async (proxy, log) => {
      const result = await runToEnd(['sse', `http://127.0.0.1:${sseServer.port}/events?n=2`, '--json', '--no-reconnect'],
        { env: toolEnv({ HTTP_PROXY: `127.0.0.1:${proxy.port}` }) });
      assert.equal(result.code, 0, show(result));
      assert.deepEqual(messages(result).map((m) => m.data), ['event 1', 'event 2']);
      assert.deepEqual(await log(), [`127.0.0.1:${sseServer.port}`]);
    });
  });

  test('NO_PROXY bypasses HTTP_PROXY', async () => {
    await withProxy(async (proxy, log) => {
      const env = toolEnv({ HTTP_PROXY: `http://127.0.0.1:${proxy.port}`, NO_PROXY: 'localhost,127.0.0.1' });
      const result = await runToEnd(['sse', `http://127.0.0.1:${sseServer.port}/events?n=1`, '--json', '--no-reconnect'], { env });
      assert.equal(result.code, 0, show(result));
      assert.equal(messages(result).length, 1);
      assert.deepEqual(await log(), []);
    });
  });

  test('--proxy wins over HTTP_PROXY', async () => {
    await withProxy(async (proxy, log) => {
      const dead = await unusedPort();
      const env = toolEnv({ HTTP_PROXY: `http://127.0.0.1:${dead}` });
      const result = await runToEnd(['sse', `http://127.0.0.1:${sseServer.port}/events?n=1`, '--json', '--no-reconnect',
        '--proxy', `http://127.0.0.1:${proxy.port}`], { env });
      assert.equal(result.code, 0, show(result));
      assert.equal(messages(result).length, 1);
      assert.equal((await log()).length, 1);
    });
  });

  test('proxy credentials from the proxy URL', async () => {
    await withProxy(async (proxy, log) => {
      const result = await runToEnd(['sse', `http://127.0.0.1:${sseServer.port}/events?n=1`, '--json', '--no-reconnect',
        '--proxy', `http://user:secret@127.0.0.1:${proxy.port}`]);
      assert.equal(result.code, 0, show(result));
      assert.equal(messages(result).length, 1);
      assert.equal((await log()).length, 1);
    }, ['--auth', 'user:secret']);
  });

  test('a proxy that refuses (407): TWINSOCK_ERR_PROXY_FAILED, exit 1', async () => {
    await withProxy(async (proxy) => {
      const result = await runToEnd(['ws', `ws://127.0.0.1:${wsServer.port}/echo`, '--json', '--no-reconnect',
        '--proxy', `http://127.0.0.1:${proxy.port}`]);
      assert.equal(result.code, 1, show(result));
      assertJsonLines(result);
      assert.equal(errors(result)[0]?.code, 'TWINSOCK_ERR_PROXY_FAILED', show(result));
    }, ['--auth', 'user:secret']);
  });

  test('a proxy that cannot be reached: the error names the proxy, not the target', async () => {
    const dead = await unusedPort();
    for (const [command, url] of [['ws', `ws://127.0.0.1:${wsServer.port}/echo`], ['sse', 'http://example.invalid/events']]) {
      const result = await runToEnd([command, url, '--json', '--no-reconnect', '--proxy', `http://127.0.0.1:${dead}`]);
      assert.equal(result.code, 1, show(result));
      assert.equal(errors(result)[0]?.message, `could not connect to the proxy 127.0.0.1:${dead}`, show(result));
    }
  });
});
