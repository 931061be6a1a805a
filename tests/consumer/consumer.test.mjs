// A user's own CMake project that adds twinsock with add_subdirectory (project/),
// configured and built in a temporary folder, then run against the reference
// Socket.IO server. CONSUMER_TARGET=native: a Release build with GCC, where GCC 12's
// false-positive warnings must not stop the build. CONSUMER_TARGET=wasm: emcmake,
// MinSizeRel, and the program run by Node (every link needs Debian's acorn setup).
// Either way nothing is written outside the build folder and no tool or test is built.
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

import { listeningPort } from '../support/servers.mjs';

const run = promisify(execFile);
const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const wasm = process.env.CONSUMER_TARGET === 'wasm';

test(`a project that adds twinsock with add_subdirectory builds (${wasm ? 'wasm' : 'native'}) and connects`,
     { timeout: 600_000 }, async () => {
  const work = mkdtempSync(join(tmpdir(), 'twinsock-consumer-'));
  const build = join(work, 'build');
  try {
    const configure = ['cmake', '-S', join(here, 'project'), '-B', build, '-G', 'Ninja', `-DTWINSOCK_SOURCE_DIR=${root}`,
                       ...(wasm ? ['-DCMAKE_BUILD_TYPE=MinSizeRel'] : ['-DCMAKE_BUILD_TYPE=Release', '-DCMAKE_CXX_COMPILER=g++'])];
    // No NODE_PATH from the environment: the project's links must find acorn by themselves.
    const env = { ...process.env, NODE_PATH: '' };
    await run(wasm ? 'emcmake' : configure[0], wasm ? configure : configure.slice(1), { env, maxBuffer: 64 << 20 });
    await run('cmake', ['--build', build, '--target', 'app', '-j', '2'], { env, maxBuffer: 64 << 20 });
    assert.ok(!existsSync(join(work, 'npm')), 'nothing is written next to the build folder');

    const script = join(root, 'tests', 'servers', 'sio-server.mjs');
    const server = spawn(process.execPath, [script, '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      const port = await listeningPort(server, 'sio-server.mjs', () => '');
      const url = `http://127.0.0.1:${port}/`;
      const { stdout } = wasm ? await run(process.execPath, [join(build, 'app.mjs'), url], { timeout: 20_000 })
                              : await run(join(build, 'app'), [url], { timeout: 20_000 });
      assert.equal(stdout.trim(), '["from a consumer"]');
    } finally {
      server.kill();
    }
    const { stdout: targets } = await run('cmake', ['--build', build, '--target', 'help']);
    assert.doesNotMatch(targets, /^twinsock: /m, 'the command-line tool is not a target');
    assert.doesNotMatch(targets, /^twinsock_core: /m, 'the npm module is not a target');
    assert.doesNotMatch(targets, /test_/, 'no test targets');
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});
