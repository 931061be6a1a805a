// Output invariants under unusual payloads (tests/cli/fixtures/odd-server.mjs):
// every --json stdout line stays one JSON object whatever bytes arrive, and a
// server that never answers a close cannot keep the tool from exiting.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import { assertJsonLines, errors, fixturesDir, messages, ofType, run, runToEnd, show, startServer } from './support.mjs';

let server;
const http = (path) => `http://127.0.0.1:${server.port}${path}`;
const ws = (path) => `ws://127.0.0.1:${server.port}${path}`;

before(async () => {
  server = await startServer(join(fixturesDir, 'odd-server.mjs'));
});
after(async () => {
  await server?.stop();
});

describe('payloads', { concurrency: 4 }, () => {
  test('sse --json: BOM, CRLF, invalid UTF-8 (replaced), U+2028, quotes and an empty data event', async () => {
    const result = await runToEnd(['sse', http('/sse-odd'), '--json', '--no-reconnect']);
    assert.equal(result.code, 0, show(result));
    assertJsonLines(result);
    assert.equal(result.lines.length, result.stdout.split('\n').length - 1, 'U+2028 did not split a line');
    assert.deepEqual(messages(result).map(({ event, id, data }) => ({ event, id, data })), [
      { event: 'message', id: '', data: 'caf\u00e9 \ufffd\ufffd end' },
      { event: 'message', id: '', data: 'line\u2028sep\n"quoted" \\ back' },
      { event: 'x', id: '7', data: '' },
    ]);
  });

  test('sse human format of the same stream', async () => {
    const result = await runToEnd(['sse', http('/sse-odd'), '--no-reconnect']);
    assert.equal(result.code, 0, show(result));
    const blocks = result.stdout.split('\n\n');
    assert.equal(blocks.pop(), '');
    assert.deepEqual(blocks.slice(0, 2), ['data: caf\u00e9 \ufffd\ufffd end', 'data: line\u2028sep\ndata: "quoted" \\ back']);
    assert.match(blocks[2], /^event: x\nid: 7\ndata: ?$/);
  });

  test('sse: Transfer-Encoding beside Content-Length is refused, and the error line says it once', async () => {
    const result = await runToEnd(['sse', http('/te-and-cl'), '--no-reconnect']);
    assert.equal(result.code, 1, show(result));
    const message = 'Transfer-Encoding is not chunked alone, or comes with Content-Length or in HTTP/1.0';
    assert.match(result.stderr, new RegExp(`^error: ${message} \\(TWINSOCK_ERR_HTTP_BAD_TRANSFER_ENCODING\\)$`, 'm'), show(result));
  });

  test('ws --json: newlines, quotes, backslashes and NUL in text stay inside one JSON line', async () => {
    const result = await runToEnd(['ws', ws('/multiline'), '--json']);
    assert.equal(result.code, 0, show(result));
    assertJsonLines(result);
    const got = messages(result);
    assert.deepEqual(got.map((m) => m.data ?? m.binary), ['line1\nline2', 'tab\there "quote" back\\slash nul\u0000end', 'ff00']);
    assert.ok('binary' in got[2]);
  });

  test('ws: a text message that is not UTF-8 fails the connection (TWINSOCK_ERR_WS_INVALID_UTF8), exit 1', async () => {
    const result = await runToEnd(['ws', ws('/bad-utf8'), '--json', '--no-reconnect']);
    assert.equal(result.code, 1, show(result));
    assertJsonLines(result);
    assert.equal(errors(result)[0]?.code, 'TWINSOCK_ERR_WS_INVALID_UTF8', show(result));
    assert.equal(messages(result).length, 0);
  });

  test('ws: a server that never answers the close still lets the tool exit (close timeout)', async () => {
    const tool = run(['ws', ws('/deaf'), '--json']);
    await tool.waitFor(ofType('open'), 10_000, 'open');
    tool.end();
    const result = await tool.exit(15_000);
    assert.equal(result.code, 0, show(result));
    assertJsonLines(result);
    assert.equal(errors(result)[0]?.code, 'TWINSOCK_ERR_CLOSE_TIMEOUT', show(result));
    assert.ok(result.events.some(ofType('close')));
  });
});
