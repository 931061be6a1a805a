// A user's own CMake project (project/) that takes twinsock in and links
// twinsock::twinsock, configured and built in a temporary folder, then run against
// the reference Socket.IO server.
// - CONSUMER_MODE=add_subdirectory (default). CONSUMER_TARGET=native: a Release
//   build with GCC, where GCC 12's false-positive warnings must not stop the build.
//   CONSUMER_TARGET=wasm: emcmake, MinSizeRel, and the program run by Node (every
//   link needs Debian's acorn setup). Nothing is written outside the build folder
//   and no tool or test is built.
// - CONSUMER_MODE=find_package (native): twinsock is built on its own (Release,
//   libraries and tool only), installed with `cmake --install` into a prefix, and
//   the project finds it there with find_package(twinsock).
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
const mode = process.env.CONSUMER_MODE ?? 'add_subdirectory';
// No NODE_PATH from the environment: the project's links must find acorn by themselves.
const env = { ...process.env, NODE_PATH: '' };
const native = ['-DCMAKE_BUILD_TYPE=Release', '-DCMAKE_CXX_COMPILER=g++'];

/** Configures (through emcmake for wasm) and builds `target` of the project in `source`. */
async function configureAndBuild(source, build, options, target) {
  const configure = ['cmake', '-S', source, '-B', build, '-G', 'Ninja', ...options];
  await run(wasm ? 'emcmake' : configure[0], wasm ? configure : configure.slice(1), { env, maxBuffer: 64 << 20 });
  await run('cmake', ['--build', build, ...(target ? ['--target', target] : []), '-j', '2'], { env, maxBuffer: 64 << 20 });
}

/** Runs the built program against the Socket.IO server; it prints the server's echo. */
async function runAgainstServer(build) {
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
}

if (mode === 'add_subdirectory') {
  test(`a project that adds twinsock with add_subdirectory builds (${wasm ? 'wasm' : 'native'}) and connects`,
       { timeout: 600_000 }, async () => {
    const work = mkdtempSync(join(tmpdir(), 'twinsock-consumer-'));
    const build = join(work, 'build');
    try {
      await configureAndBuild(join(here, 'project'), build,
                              [`-DTWINSOCK_SOURCE_DIR=${root}`, ...(wasm ? ['-DCMAKE_BUILD_TYPE=MinSizeRel'] : native)], 'app');
      assert.ok(!existsSync(join(work, 'npm')), 'nothing is written next to the build folder');
      await runAgainstServer(build);
      const { stdout: targets } = await run('cmake', ['--build', build, '--target', 'help']);
      assert.doesNotMatch(targets, /^twinsock: /m, 'the command-line tool is not a target');
      assert.doesNotMatch(targets, /^twinsock_core: /m, 'the npm module is not a target');
      assert.doesNotMatch(targets, /test_/, 'no test targets');
      assert.doesNotMatch(targets, /^install: /m, 'no install rules in a project that adds twinsock');
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });
}

if (mode === 'find_package') {
  test('twinsock installed with cmake --install is found by find_package(twinsock) and connects',
       { timeout: 600_000 }, async () => {
    const work = mkdtempSync(join(tmpdir(), 'twinsock-installed-'));
    const prefix = join(work, 'prefix');
    try {
      await configureAndBuild(root, join(work, 'twinsock'), [...native, '-DTWINSOCK_BUILD_TESTS=OFF',
                              '-DTWINSOCK_BUILD_EXAMPLES=OFF', '-DTWINSOCK_BUILD_NPM=OFF']);
      await run('cmake', ['--install', join(work, 'twinsock'), '--prefix', prefix], { env });
      for (const file of ['include/twinsock/sio/manager.hpp', 'include/twinsock/native/poll_loop.hpp',
                          'lib/cmake/twinsock/twinsockConfig.cmake', 'lib/libtwinsock_client.a', 'bin/twinsock'])
        assert.ok(existsSync(join(prefix, file)), `installed: ${file}`);
      assert.ok(!existsSync(join(prefix, 'include', 'codec')), 'internal headers stay out of the prefix');
      const { stdout: version } = await run(join(prefix, 'bin', 'twinsock'), ['--version']);
      assert.match(version, /\d+\.\d+\.\d+/);

      // The twinsock source folder is not named: only the prefix.
      const build = join(work, 'app');
      await configureAndBuild(join(here, 'project'), build,
                              [...native, '-DTWINSOCK_CONSUME=find_package', `-DCMAKE_PREFIX_PATH=${prefix}`], 'app');
      await runAgainstServer(build);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });
}
