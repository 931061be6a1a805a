// Shared by the chaos suites: the behaviour suites' helpers (the npm package, the
// test servers, bounded waits), the fault-injecting proxy in front of a server, and
// the one-line summary each scenario prints ("chaos: <name> key=value ...").
import { startChaosProxy } from '../../chaos/proxy.mjs';

export * from '../behaviour/support.mjs';

/** A chaos proxy in front of `server` (one of startServer's); `t.track` it to close it at the end. */
export async function proxyTo(server) {
  return startChaosProxy({ target: { host: '127.0.0.1', port: server.port } });
}

/** Prints the scenario's numbers on stdout: "chaos: <name> key=value ...". */
export function summary(name, fields) {
  const text = Object.entries(fields).map(([key, value]) => `${key}=${value}`).join(' ');
  console.log(`chaos: ${name} ${text}`);
}

/** "min/median/max" of `values` (ms, rounded), or "-" when there are none. */
export function spread(values) {
  if (!values.length) return '-';
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q) => Math.round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]);
  return `${at(0)}/${at(0.5)}/${at(1)}`;
}

/** Counts each value of `list`; returns the values seen more than once, with their counts. */
export function repeats(list) {
  const counts = new Map();
  for (const value of list) counts.set(value, (counts.get(value) ?? 0) + 1);
  return [...counts].filter(([, n]) => n > 1);
}
