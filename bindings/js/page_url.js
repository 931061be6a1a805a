// URLs relative to the page, as the DOM's WebSocket and EventSource take them: the
// C++ core sees absolute URLs only. Outside a page (Node) a URL stays as it is.
export function pageBase() {
  return typeof location === 'object' && location?.href ? location.href : undefined;
}

export function resolveAgainstPage(url) {
  const base = pageBase();
  if (!base) return String(url);
  try {
    return new URL(url, base).href;
  } catch {
    return String(url);  // the core reports it
  }
}
