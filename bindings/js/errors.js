// Errors at the JavaScript edge: Error objects with the stable id in `.code`.

export class TwinsockError extends Error {
  /** @param {{code: string, message: string, detail?: string, closeCode?: number}} info */
  constructor(info) {
    super(info.detail && info.detail !== info.message ? `${info.message}: ${info.detail}` : info.message);
    this.name = 'TwinsockError';
    this.code = info.code;
    if (info.detail) this.detail = info.detail;
    if (info.closeCode) this.closeCode = info.closeCode;
  }
  /** socket.io-client's name for it (its troubleshooting guide logs `err.description`). */
  get description() { return this.detail; }
}

export function toError(info) {
  return info ? new TwinsockError(info) : null;
}

/** A listener threw: report it the way the platform reports uncaught errors, without crashing the SDK. */
export function reportListenerError(error) {
  if (typeof globalThis.reportError === 'function') globalThis.reportError(error);
  else console.error('twinsock: a listener threw:', error);
}
