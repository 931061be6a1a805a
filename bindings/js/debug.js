// Protocol traces for debugging, as socket.io-client's `debug` module: a client's
// `debug` option is true (console.debug) or a function given each line; without
// it, DEBUG (Node) or localStorage.debug (browsers) naming "twinsock" turns it on.
import { reportListenerError } from './errors.js';

function namedInEnvironment() {
  try {
    const setting = globalThis.process?.env?.DEBUG ?? globalThis.localStorage?.debug;
    return typeof setting === 'string' && /(^|[\s,])twinsock/.test(setting);
  } catch {
    return false;  // localStorage may throw (sandboxed frames)
  }
}

/** The function that receives `label`'s trace lines, or undefined for none. */
export function tracer(option, label) {
  if (typeof option === 'function') return option;
  if (option === true || (option === undefined && namedInEnvironment())) {
    return (line) => console.debug(`twinsock:${label}`, line);
  }
  return undefined;
}

/** Hands a line over on a microtask: the native call is over, so the listener may even dispose its client. */
export function deliverTrace(trace, line) {
  if (!trace) return;
  queueMicrotask(() => {
    try {
      trace(line);
    } catch (error) {
      reportListenerError(error);
    }
  });
}
