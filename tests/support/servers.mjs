// Helpers shared by the node:test suites that start the test servers of tests/servers/
// (the CLI end-to-end tests and the WASM behaviour suites).

/// The program that runs a test server script: Debian's Python 3 for the other
/// implementations in tests/servers/python (its packages, not a virtualenv's), else Node.
export function interpreterFor(script) {
  return script.endsWith('.py') ? '/usr/bin/python3' : process.execPath;
}

/// Resolves or rejects `promise`, or rejects after `ms` with `what` in the message.
export function within(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/// The port a test server announces on its first stdout line ({"port":N}); a server that
/// exits first, says something else or takes over 10 s is killed and the call fails.
export async function listeningPort(proc, script, stderr) {
  return within(
    new Promise((resolve, reject) => {
      let out = '';
      proc.stdout.on('data', (d) => {
        out += d;
        const nl = out.indexOf('\n');
        if (nl < 0) return;
        try {
          resolve(JSON.parse(out.slice(0, nl)).port);
        } catch (e) {
          reject(new Error(`${script}: bad first line ${out.slice(0, nl)}`));
        }
      });
      proc.on('exit', (code) => reject(new Error(`${script} exited with ${code} before listening: ${stderr()}`)));
    }),
    10_000,
    `${script} to listen`,
  ).catch((e) => {
    proc.kill('SIGKILL');
    throw e;
  });
}

