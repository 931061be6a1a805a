// The Chromium leg's page: window.bench(impl, scenario, url, params) runs one scenario of
// bench/shared/scenarios.mjs (the code the Node clients run) with one client library:
//   impl "twinsock"   the npm package (/twinsock/ = build/npm): io, ReconnectingWebSocket,
//                     EventSourceClient (its own parser over fetch, as in Node)
//   impl "reference"  socket.io-client's browser bundle (/socket.io-client/socket.io.esm.min.js),
//                     the browser's WebSocket and EventSource
// CPU readings come from the runner, which reads them from Chromium through the DevTools
// protocol (see chromium-bench.mjs): the page calls the binding benchCpuRequest(id), the
// runner answers with window.benchCpuReply(id, reading).
import { scenarios } from '/shared/scenarios.mjs';

// A macrotask without setTimeout's 4 ms clamp for nested timers (Node: setImmediate).
const channel = new MessageChannel();
const waiting = [];
channel.port1.onmessage = () => waiting.shift()();
const tick = () => new Promise((resolve) => {
  waiting.push(resolve);
  channel.port2.postMessage(0);
});

const replies = new Map();
let lastRequest = 0;
window.benchCpuReply = (id, reading) => {
  replies.get(id)(reading);
  replies.delete(id);
};
const cpuSample = () => new Promise((resolve) => {
  replies.set(++lastRequest, resolve);
  window.benchCpuRequest(String(lastRequest));
});

/** µs of CPU between two readings: all Chromium processes, and the page's main thread. */
function cpuSpent(a, b) {
  let all = 0;
  for (const [pid, seconds] of Object.entries(b.processes)) all += seconds - (a.processes[pid] ?? 0);
  return { cpu: all * 1e6, main: (b.mainThread - a.mainThread) * 1e6 };
}

async function clients(impl) {
  if (impl === 'twinsock') {
    const twinsock = await import('/twinsock/dist/index.js');
    return {
      io: twinsock.io,
      openWebSocket: (url) => new twinsock.ReconnectingWebSocket(url, { reconnect: false }),
      openEventSource: (url) => new twinsock.EventSourceClient(url, { transport: 'fetch', reconnect: false }),
    };
  }
  const { io } = await import('/socket.io-client/socket.io.esm.min.js');
  return {
    io,
    openWebSocket: (url) => new WebSocket(url),
    openEventSource: (url) => new EventSource(url),
  };
}

window.bench = async (impl, scenario, url, params) => {
  if (!crossOriginIsolated) throw new Error('the page is not cross-origin isolated: performance.now() would be coarse');
  if (document.visibilityState !== 'visible') throw new Error('the tab is in the background: Chromium would throttle it');
  const env = {
    ...(await clients(impl)),
    url,
    now: () => performance.now(),
    tick,
    cpuSample,
    cpuSpent,
  };
  return scenarios[scenario](env, params);
};
