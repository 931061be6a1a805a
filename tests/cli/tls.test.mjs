// `twinsock ws|sse|io` over TLS (tests/servers/tls-server.mjs) with the certificates
// of certs.mjs. Verification is on by default; --ca, --insecure, --cert/--key.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { makeCertificates } from './certs.mjs';
import { assertJsonLines, errors, messages, ofType, run, runToEnd, show, startServer } from './support.mjs';

let certs;
const file = (name) => certs.file(name);
before(() => { certs = makeCertificates(); });
after(() => certs?.remove());

const tlsServer = (cert, extra = []) => startServer('tls-server.mjs', ['--cert', file(`${cert}.pem`), '--key', file(`${cert}.key`), ...extra]);

/** Sends one line over wss://HOST:port/echo and expects it back; the result. */
async function echoOverWss(server, options, host = '127.0.0.1') {
  const tool = run(['ws', `wss://${host}:${server.port}/echo`, '--json', '--no-reconnect', ...options]);
  await tool.waitFor(ofType('open'), 10_000, 'open');
  const echoed = await tool.exchange('over tls', ofType('message'));
  assert.equal(echoed.data, 'over tls');
  tool.end();
  const result = await tool.exit();
  assert.equal(result.code, 0, show(result));
  assertJsonLines(result);
  return result;
}

/** A run expected to fail at the TLS handshake with `code`: exit 1, the error says so. */
async function refused(args, code) {
  const result = await runToEnd([...args, '--json', '--no-reconnect']);
  assert.equal(result.code, 1, show(result));
  assertJsonLines(result);
  assert.equal(errors(result)[0]?.code, code, show(result));
  return result;
}

describe('twinsock over TLS', () => {
  let server;
  before(async () => { server = await tlsServer('server'); });
  after(async () => { await server?.stop(); });

  test('ws: verification is on by default: a certificate from an unknown CA is refused', async () => {
    await refused(['ws', `wss://127.0.0.1:${server.port}/echo`], 'TWINSOCK_ERR_TLS_CERT_UNTRUSTED');
  });

  test('ws, sse, io: an untrusted certificate is not retried, reconnection or not: exit 1 with a hint', async () => {
    for (const target of [['ws', 'wss', '/echo'], ['sse', 'https', '/events'], ['io', 'https', '']]) {
      const [command, scheme, path] = target;
      const result = await runToEnd([command, `${scheme}://127.0.0.1:${server.port}${path}`, '--json']);
      assert.equal(result.code, 1, show(result));
      assert.match(result.stderr, /giving up: another attempt cannot fix this \(--ca FILE trusts another CA; --insecure skips verification\)/, show(result));
    }
  });

  test('ws: --ca trusts the test CA, by IP address and by name', async () => {
    await echoOverWss(server, ['--ca', file('ca.pem')]);
    await echoOverWss(server, ['--ca', file('ca.pem')], 'localhost');
  });

  test('ws: --insecure skips verification', async () => {
    await echoOverWss(server, ['--insecure']);
  });

  test('sse: https:// with --ca', async () => {
    const result = await runToEnd(['sse', `https://127.0.0.1:${server.port}/events`, '--ca', file('ca.pem'), '--json', '--no-reconnect']);
    assert.equal(result.code, 0, show(result));
    assert.deepEqual(messages(result).map((m) => m.data), ['event 1', 'event 2', 'event 3'], show(result));
  });

  test('io: https:// with --ca, polling upgraded to a wss:// WebSocket', async () => {
    const tool = run(['io', `https://127.0.0.1:${server.port}`, '--ca', file('ca.pem'), '--json', '--no-reconnect']);
    await tool.waitFor(ofType('connect'), 10_000, 'connect');
    const back = await tool.exchange('["message","secure",1]', (e) => e.type === 'event' && e.event === 'message-back');
    assert.deepEqual(back.args, ['secure', 1]);
    tool.end();
    const result = await tool.exit();
    assert.equal(result.code, 0, show(result));
  });

  test('io: an unknown CA is a connect_error naming the TLS failure', async () => {
    const result = await runToEnd(['io', `https://127.0.0.1:${server.port}`, '--json', '--no-reconnect']);
    assert.equal(result.code, 1, show(result));
    const failure = result.events.find(ofType('connect_error'));
    assert.ok(failure, show(result));
    assert.equal(failure.code, 'TWINSOCK_ERR_TLS_CERT_UNTRUSTED', show(result));
    assert.equal(failure.detail, 'unable to get local issuer certificate', show(result));
  });

  test('TLS files that cannot be used are a configuration error naming the file and why', async () => {
    const target = `wss://127.0.0.1:${server.port}/echo`;
    let result = await refused(['ws', target, '--ca', file('missing.pem')], 'TWINSOCK_ERR_TLS_CONFIG');
    assert.equal(errors(result)[0].message, `cannot load the CA file ${file('missing.pem')}: No such file or directory`);
    result = await refused(['ws', target, '--ca', file('server.ext')], 'TWINSOCK_ERR_TLS_CONFIG');  // not PEM
    assert.match(errors(result)[0].message, /^cannot load the CA file .*server\.ext: /, show(result));
    result = await refused(['ws', target, '--ca', file('ca.pem'), '--cert', file('client.pem'), '--key', file('server.key')],
                           'TWINSOCK_ERR_TLS_CONFIG');
    assert.match(errors(result)[0].message, /^cannot load the key file .*server\.key: key values mismatch$/, show(result));
  });
});

describe('twinsock over TLS: certificates that do not fit', () => {
  test('a certificate for another host name', async () => {
    const server = await tlsServer('elsewhere');
    try {
      await refused(['ws', `wss://localhost:${server.port}/echo`, '--ca', file('ca.pem')], 'TWINSOCK_ERR_TLS_CERT_WRONG_HOST');
    } finally {
      await server.stop();
    }
  });

  test('a self-signed certificate', async () => {
    const server = await tlsServer('self');
    try {
      await refused(['ws', `wss://127.0.0.1:${server.port}/echo`], 'TWINSOCK_ERR_TLS_CERT_SELF_SIGNED');
      await echoOverWss(server, ['--ca', file('self.pem')]);  // trusted as its own CA
    } finally {
      await server.stop();
    }
  });

  test('a server that wants a client certificate: refused without one, open with --cert and --key', async () => {
    const server = await tlsServer('server', ['--client-ca', file('ca.pem')]);
    try {
      const result = await runToEnd(['ws', `wss://127.0.0.1:${server.port}/echo`, '--ca', file('ca.pem'), '--json', '--no-reconnect']);
      assert.equal(result.code, 1, show(result));
      assert.ok(errors(result).length > 0, show(result));
      await echoOverWss(server, ['--ca', file('ca.pem'), '--cert', file('client.pem'), '--key', file('client.key')]);
    } finally {
      await server.stop();
    }
  });
});
