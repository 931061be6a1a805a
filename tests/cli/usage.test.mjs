// `twinsock` usage: --help texts (exit 0, stdout) and usage errors (exit 2, a
// message on stderr, nothing on stdout). No server is needed: none of these connect.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { runToEnd, show } from './support.mjs';

// Usage errors are reported before any connection; a closed port makes sure a
// tool that wrongly tried to connect fails fast instead of hanging.
const WS = 'ws://127.0.0.1:9/x';
const HTTP = 'http://127.0.0.1:9/x';

async function usageError(args, message) {
  const result = await runToEnd(args, { stdin: '' });
  assert.equal(result.code, 2, show(result));
  assert.equal(result.stdout, '', 'usage errors print nothing on stdout');
  assert.match(result.stderr, message, show(result));
  return result;
}

describe('twinsock: top level', { concurrency: 4 }, () => {
  test('--help, -h and help print the usage on stdout, exit 0', async () => {
    for (const flag of ['--help', '-h', 'help']) {
      const result = await runToEnd([flag], { stdin: '' });
      assert.equal(result.code, 0, show(result));
      assert.match(result.stdout, /usage:/);
      assert.match(result.stdout, /twinsock ws URL/);
      assert.match(result.stdout, /twinsock sse URL/);
      assert.equal(result.stderr, '');
    }
  });

  test('--version prints the version, exit 0', async () => {
    const result = await runToEnd(['--version'], { stdin: '' });
    assert.equal(result.code, 0, show(result));
    assert.match(result.stdout, /^twinsock \d+\.\d+\.\d+\n$/);
  });

  test('no command: usage on stderr, exit 2', async () => {
    await usageError([], /usage:/);
  });

  test('unknown command: exit 2', async () => {
    await usageError(['frobnicate'], /unknown command 'frobnicate'/);
  });
});

describe('twinsock ws: usage', { concurrency: 4 }, () => {
  test('--help prints the options and exit codes on stdout, exit 0', async () => {
    for (const flag of ['--help', '-h']) {
      const result = await runToEnd(['ws', flag], { stdin: '' });
      assert.equal(result.code, 0, show(result));
      assert.match(result.stdout, /^usage: twinsock ws URL/);
      for (const option of ['--header', '--subprotocol', '--binary', '--deflate', '--json', '--count', '--timeout', '--no-reconnect', '--proxy', '--verbose'])
        assert.ok(result.stdout.includes(option), `help mentions ${option}`);
      assert.match(result.stdout, /exit codes:/);
      assert.equal(result.stderr, '');
    }
  });

  test('--help wins over other arguments', async () => {
    const result = await runToEnd(['ws', WS, '--json', '--help'], { stdin: '' });
    assert.equal(result.code, 0, show(result));
    assert.match(result.stdout, /^usage: twinsock ws URL/);
  });

  test('missing URL', async () => {
    await usageError(['ws'], /missing URL/);
    await usageError(['ws', '--json'], /missing URL/);
  });

  test('wrong scheme', async () => {
    await usageError(['ws', 'ftp://127.0.0.1:9/'], /ws:\/\/ or wss:\/\//);
  });

  test('not a URL', async () => {
    await usageError(['ws', 'not a url'], /URL/);
  });

  test('unknown option', async () => {
    await usageError(['ws', WS, '--bogus'], /unknown option --bogus\n/);
  });

  test('a misspelt option: the nearest one is suggested', async () => {
    await usageError(['ws', WS, '--timout', '3'], /unknown option --timout \(did you mean --timeout\?\)/);
    await usageError(['ws', WS, '--no-reconect'], /unknown option --no-reconect \(did you mean --no-reconnect\?\)/);
  });

  test('after --, an argument that looks like an option is an operand', async () => {
    await usageError(['ws', '--', WS, '--json'], /unexpected argument --json/);
    await usageError(['ws', '--json', '--'], /missing URL/);
  });

  test('a second URL', async () => {
    await usageError(['ws', WS, WS], /unexpected argument/);
  });

  test('bad --reconnect-attempts and --reconnect-delay', async () => {
    for (const v of ['-1', 'abc', '1.5', '']) {
      await usageError(['ws', WS, '--reconnect-attempts', v], /--reconnect-attempts/);
      await usageError(['sse', HTTP, '--reconnect-delay', v], /--reconnect-delay/);
    }
  });

  test('bad --count', async () => {
    for (const v of ['0', '-1', 'abc', '1.5', '', '3x']) await usageError(['ws', WS, '--count', v], /--count/);
    await usageError(['ws', WS, '--count=0'], /--count/);
    await usageError(['ws', WS, '--count'], /--count needs a value/);
  });

  test('bad --timeout', async () => {
    await usageError(['ws', WS, '--timeout', 'soon'], /--timeout/);
    await usageError(['ws', WS, '--timeout', '-1'], /--timeout/);
  });

  test('bad --ping-interval', async () => {
    await usageError(['ws', WS, '--ping-interval', '0'], /--ping-interval/);
  });

  test('malformed header', async () => {
    await usageError(['ws', WS, '-H', 'NoColonHere'], /Name: value/);
    await usageError(['ws', WS, '-H', ': empty name'], /Name: value/);
  });

  test('bad --max-message', async () => {
    await usageError(['ws', WS, '--max-message', 'big'], /--max-message/);
  });

  test('io usage errors: missing URL, bad --auth, unknown transport', async () => {
    await usageError(['io'], /missing URL/);
    await usageError(['io', 'http://127.0.0.1:9/', '--auth', '[1]'], /--auth needs a JSON object/);
    await usageError(['io', 'http://127.0.0.1:9/', '--transports', 'carrier-pigeon'], /unknown transport/);
  });
});

describe('twinsock sse: usage', { concurrency: 4 }, () => {
  test('--help prints the options and exit codes on stdout, exit 0', async () => {
    const result = await runToEnd(['sse', '--help'], { stdin: '' });
    assert.equal(result.code, 0, show(result));
    assert.match(result.stdout, /^usage: twinsock sse URL/);
    for (const option of ['--last-event-id', '--method', '--data', '--json', '--count', '--timeout', '--no-reconnect', '--proxy'])
      assert.ok(result.stdout.includes(option), `help mentions ${option}`);
    assert.match(result.stdout, /exit codes:/);
    assert.equal(result.stderr, '');
  });

  test('missing URL', async () => {
    await usageError(['sse'], /missing URL/);
  });

  test('wrong scheme', async () => {
    await usageError(['sse', 'ws://127.0.0.1:9/'], /http:\/\/ or https:\/\//);
  });

  test('unknown option', async () => {
    await usageError(['sse', HTTP, '--binary'], /unknown option --binary/);
  });

  test('bad --count', async () => {
    await usageError(['sse', HTTP, '--count', '0'], /--count/);
    await usageError(['sse', HTTP, '--count', 'many'], /--count/);
  });

  test('option without its value', async () => {
    await usageError(['sse', HTTP, '--last-event-id'], /needs a value/);
    await usageError(['sse', HTTP, '--data'], /needs a value/);
  });
});
