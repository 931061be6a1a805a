// A user's own CMake project that adds twinsock with add_subdirectory (project/):
// it configures and builds in Release with GCC, where GCC 12's false-positive
// warnings must not stop the build, puts nothing outside its build folder, builds
// no tool, and its program talks to the reference Socket.IO server.
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

test('a project that adds twinsock with add_subdirectory builds in Release and connects', { timeout: 600_000 }, async () => {
  const work = mkdtempSync(join(tmpdir(), 'twinsock-consumer-'));
  const build = join(work, 'build');
  try {
    await run('cmake', ['-S', join(here, 'project'), '-B', build, '-G', 'Ninja', '-DCMAKE_BUILD_TYPE=Release',
                        '-DCMAKE_CXX_COMPILER=g++', `-DTWINSOCK_SOURCE_DIR=${root}`]);
    await run('cmake', ['--build', build, '--target', 'app', '-j', '2'], { maxBuffer: 64 << 20 });
    assert.ok(!existsSync(join(work, 'npm')), 'nothing is written next to the build folder');
    const script = join(root, 'tests', 'servers', 'sio-server.mjs');
    const server = spawn(process.execPath, [script, '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      const port = await listeningPort(server, 'sio-server.mjs', () => '');
      const { stdout } = await run(join(build, 'app'), [`http://127.0.0.1:${port}/`], { timeout: 20_000 });
      assert.equal(stdout.trim(), '["from a consumer"]');
    } finally {
      server.kill();
    }
    // Configured as a subproject: no tests, no command-line tool.
    const { stdout: targets } = await run('cmake', ['--build', build, '--target', 'help']);
    assert.doesNotMatch(targets, /^twinsock: /m, 'the command-line tool is not a target');
    assert.doesNotMatch(targets, /test_/, 'no test targets');
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});
