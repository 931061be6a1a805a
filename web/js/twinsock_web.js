// The browser side of twinsock's web platform (linked with --js-library).
//
// C++ hands out integer handles, never pointers; every browser event calls back
// into C++ with its handle, and C++ drops events whose handle is gone. Released
// sockets and aborted requests also lose their handlers here, so nothing reaches
// a destroyed object from either side. Data crosses the boundary as copies:
// the wasm heap may move when memory grows.
//
// In Node, `Module.WebSocket` (set by the npm package's facade from the `ws`
// package when there is no global WebSocket) stands in for the browser's.

mergeInto(LibraryManager.library, {
  $TWS: {
    sockets: {},
    fetches: {},
    timers: {},
    encoder: null,
    decoder: null,
    // Calls `fn(ptr)` with `str` as a NUL-terminated UTF-8 copy on the wasm heap.
    withString: function (str, fn) {
      var bytes = TWS.encode(String(str));
      var ptr = _twinsock_js_alloc(bytes.length + 1);
      HEAPU8.set(bytes, ptr);
      HEAPU8[ptr + bytes.length] = 0;
      try { fn(ptr); } finally { _twinsock_js_free(ptr); }
    },
    // Calls `fn(ptr, size)` with `str` as UTF-8 on the wasm heap, encoded straight into
    // it (at most 3 bytes per UTF-16 unit); long strings go through a copy instead
    // so that the worst case does not triple a large allocation.
    withUtf8: function (str, fn) {
      if (str.length > 65536) return TWS.withBytes(TWS.encode(str), fn);
      var capacity = str.length * 3 || 1;
      var ptr = _twinsock_js_alloc(capacity);
      var written = TWS.shortAscii(str, ptr);
      if (written < 0) {
        if (!TWS.encoder) TWS.encoder = new TextEncoder();
        written = TWS.encoder.encodeInto(str, HEAPU8.subarray(ptr, ptr + capacity)).written;
      }
      try { fn(ptr, written); } finally { _twinsock_js_free(ptr); }
    },
    // Short ASCII strings (most protocol messages) are copied in a loop: a
    // TextEncoder or TextDecoder call costs more than the copy itself below a few
    // hundred bytes (Chromium: about 0.4 µs a call). -1 when `str` does not qualify.
    shortAscii: function (str, ptr) {
      if (str.length >= 256) return -1;
      for (var i = 0; i < str.length; ++i) {
        var c = str.charCodeAt(i);
        if (c >= 0x80) return -1;
        HEAPU8[ptr + i] = c;
      }
      return str.length;
    },
    // Calls `fn(ptr, size)` with a copy of `bytes` (a Uint8Array) on the wasm heap.
    withBytes: function (bytes, fn) {
      var ptr = _twinsock_js_alloc(bytes.length || 1);
      HEAPU8.set(bytes, ptr);
      try { fn(ptr, bytes.length); } finally { _twinsock_js_free(ptr); }
    },
    // Node's `ws` writes every frame with a syscall of its own; frames sent during
    // one turn of Node's event loop leave in a single write when its socket stays
    // corked until the turn's check phase (setImmediate: no timer delay). Browsers
    // batch by themselves and expose no socket.
    corkUntilTaskEnd: function (ws) {
      var socket = ws._socket;
      if (!socket || typeof socket.cork != 'function' || ws.twinsockCorked) return;
      ws.twinsockCorked = true;
      socket.cork();
      setImmediate(function () {
        ws.twinsockCorked = false;
        socket.uncork();
      });
    },
    encode: function (str) {
      if (!TWS.encoder) TWS.encoder = new TextEncoder();
      return TWS.encoder.encode(str);
    },
    // Header values are byte strings (one character per byte) in fetch and the WebSocket
    // handshake: ours go out as their UTF-8 bytes, as the native client and the browser's
    // EventSource (Last-Event-ID) send them; theirs come back as the text those bytes spell.
    // fetch refuses a character above U+00FF outright.
    toByteString: function (value) {
      if (/^[\x00-\x7f]*$/.test(value)) return value;
      var bytes = TWS.encode(value);
      var out = '';
      for (var i = 0; i < bytes.length; ++i) out += String.fromCharCode(bytes[i]);
      return out;
    },
    fromByteString: function (value) {
      if (/^[\x00-\x7f]*$/.test(value)) return value;
      if (!TWS.decoder) TWS.decoder = new TextDecoder('utf-8');
      return TWS.decoder.decode(Uint8Array.from(value, function (c) { return c.charCodeAt(0) & 0xff; }));
    },
    // Credentials in the URL are Basic authentication, as the native client sends them
    // (fetch refuses a URL that holds any); an Authorization header the user set wins.
    // Returns the URL without them.
    moveCredentials: function (target, headers) {
      if (target.indexOf('@') < 0) return target;  // no userinfo: no parse on every request
      var url;
      try { url = new URL(target); } catch (e) { return target; }  // the request reports the URL
      if (!url.username && !url.password) return target;
      var own = headers.some(function (h) { return h[0].toLowerCase() === 'authorization'; });
      if (!own) {
        var decoded = function (part) { try { return decodeURIComponent(part); } catch (e) { return part; } };
        var pair = TWS.toByteString(decoded(url.username) + ':' + decoded(url.password));
        headers.push(['Authorization', 'Basic ' + btoa(pair)]);
      }
      url.username = '';
      url.password = '';
      return url.href;
    },
    byteHeaders: function (headers) {
      return headers.map(function (h) { return [h[0], TWS.toByteString(h[1])]; });
    },
    decode: function (ptr, size) {
      var bytes = HEAPU8.subarray(ptr, ptr + size);
      if (size <= 64) {
        var ascii = true;
        for (var i = 0; i < size && ascii; ++i) ascii = bytes[i] < 0x80;
        if (ascii) return String.fromCharCode.apply(null, bytes);
      }
      if (!TWS.decoder) TWS.decoder = new TextDecoder('utf-8');
      return TWS.decoder.decode(bytes);
    },
    // A NUL-terminated string: the short ASCII names C++ passes (event types).
    cstring: function (ptr) {
      var end = ptr;
      while (HEAPU8[end]) ++end;
      return TWS.decode(ptr, end - ptr);
    },
    webSocketClass: function () {
      if (Module['WebSocket']) return Module['WebSocket'];
      if (typeof globalThis.WebSocket == 'function') return globalThis.WebSocket;
      return null;
    },
    // Node's fetch keeps no cookies, so the module keeps them there as a browser would
    // and as the native jar does (eio::CookieJar): one store for the process, host-only
    // (no Domain, no port), each cookie going back to the paths under its Path (RFC 6265
    // §5.1.4), longest Path first, over https only when Secure, until Max-Age or Expires;
    // at most 180 cookies, the oldest going first. Load balancers' sticky-session
    // cookies rely on it. Browsers keep their own.
    cookies: null,
    maxCookies: 180,
    isNode: function () {
      return typeof process == 'object' && !!(process.versions && process.versions.node) && typeof document == 'undefined';
    },
    pathMatches: function (path, cookiePath) {
      return path === cookiePath || (path.startsWith(cookiePath) &&
        (cookiePath.endsWith('/') || path.charAt(cookiePath.length) === '/'));
    },
    cookieHeader: function (url) {
      var now = Date.now();
      TWS.cookies = TWS.cookies.filter(function (c) { return c.expires > now; });
      return TWS.cookies.filter(function (c) {
        return c.host === url.hostname && (!c.secure || /^(https|wss):$/.test(url.protocol)) &&
          TWS.pathMatches(url.pathname, c.path);
      }).sort(function (a, b) { return b.path.length - a.path.length; })
        .map(function (c) { return c.name + '=' + c.value; }).join('; ');
    },
    // Adds the jar's cookies for `target` to `headers` ([name, value] pairs), joined to a
    // Cookie header the user set, as one header. Returns the parsed URL, or null outside Node.
    addJarCookies: function (headers, target) {
      if (!TWS.isNode()) return null;
      TWS.cookies = TWS.cookies || [];
      var url;
      try { url = new URL(target); } catch (e) { return null; }  // the request reports the URL
      var cookie = TWS.cookieHeader(url);
      if (cookie) {
        var own = headers.find(function (h) { return h[0].toLowerCase() === 'cookie'; });
        if (own) own[1] += '; ' + cookie;
        else headers.push(['Cookie', cookie]);
      }
      return url;
    },
    storeCookie: function (url, line) {
      var parts = line.split(';');
      var eq = parts[0].indexOf('=');
      var dir = url.pathname.slice(0, url.pathname.lastIndexOf('/'));
      var cookie = { host: url.hostname, name: parts[0].slice(0, eq).trim(), value: parts[0].slice(eq + 1).trim(),
                     path: dir || '/', secure: false, expires: Infinity };
      // RFC 6265 §5.2: a set-cookie-string without '=' or with an empty name is ignored.
      if (eq < 0 || !cookie.name) return;
      var maxAge = null;
      parts.slice(1).forEach(function (attribute) {
        var at = attribute.indexOf('=');
        var key = (at < 0 ? attribute : attribute.slice(0, at)).trim().toLowerCase();
        var value = at < 0 ? '' : attribute.slice(at + 1).trim();
        if (key === 'max-age' && /^-?\d+$/.test(value)) maxAge = Number(value);
        else if (key === 'expires' && !isNaN(Date.parse(value))) cookie.expires = Date.parse(value);
        else if (key === 'path' && value.charAt(0) === '/') cookie.path = value;
        else if (key === 'secure') cookie.secure = true;
      });
      if (maxAge !== null) cookie.expires = Date.now() + maxAge * 1000;  // Max-Age wins over Expires
      TWS.cookies = TWS.cookies.filter(function (c) {
        return c.host !== cookie.host || c.name !== cookie.name || c.path !== cookie.path;
      });
      var now = Date.now();
      if (cookie.expires <= now) return;  // expired: a deletion
      if (TWS.cookies.length >= TWS.maxCookies) {  // RFC 6265 §5.3 step 12: expired cookies go first
        TWS.cookies = TWS.cookies.filter(function (c) { return c.expires > now; });
        if (TWS.cookies.length >= TWS.maxCookies) TWS.cookies.shift();
      }
      TWS.cookies.push(cookie);
    },
    describe: function (error) {
      if (!error) return '';
      var text = error.message || String(error);
      if (error.cause && error.cause.message) text += ': ' + error.cause.message;
      return text;
    },
  },

  // ---- timers and posted work --------------------------------------------------------
  // Timer handles are our own numbers (Node's setTimeout returns an object).
  // Delays beyond setTimeout's 32-bit limit fire early; the C++ side re-arms.
  twinsock_js_set_timeout__deps: ['$TWS'],
  twinsock_js_set_timeout: function (loop, timerId, delayMs) {
    var handle = TWS.nextTimer = (TWS.nextTimer || 0) + 1;
    TWS.timers[handle] = setTimeout(function () {
      delete TWS.timers[handle];
      _twinsock_loop_on_timer(loop, timerId);
    }, Math.min(delayMs, 0x7fffffff));
    return handle;
  },
  twinsock_js_clear_timeout__deps: ['$TWS'],
  twinsock_js_clear_timeout: function (handle) {
    var timer = TWS.timers[handle];
    if (timer === undefined) return;
    delete TWS.timers[handle];
    clearTimeout(timer);
  },
  twinsock_js_schedule_flush: function (loop) {
    queueMicrotask(function () { _twinsock_loop_on_flush(loop); });
  },
  twinsock_js_page_url__deps: ['$TWS'],
  twinsock_js_page_url: function () {
    if (typeof location !== 'object' || !location || !location.href) return 0;
    var bytes = TWS.encode(String(location.href));
    var ptr = _twinsock_js_alloc(bytes.length + 1);
    HEAPU8.set(bytes, ptr);
    HEAPU8[ptr + bytes.length] = 0;
    return ptr;
  },
  // Node has no "offline" event; a destroyed loop's handle finds nothing.
  twinsock_js_watch_offline: function (loop) {
    if (typeof globalThis.addEventListener !== 'function') return;
    globalThis.addEventListener('offline', function () { _twinsock_loop_on_offline(loop); });
  },

  // ---- WebSocket -----------------------------------------------------------------------
  twinsock_js_ws_open__deps: ['$TWS', 'twinsock_js_ws_takes_headers'],
  twinsock_js_ws_open: function (handle, url, protocolsJson, headersJson, maxMessageSize) {
    var Impl = TWS.webSocketClass();
    if (!Impl) return -1;
    var protocols = JSON.parse(UTF8ToString(protocolsJson));
    var headers = TWS.byteHeaders(JSON.parse(UTF8ToString(headersJson)));
    // http(s) means ws(s), as in today's browsers; older WebSocket implementations refuse it.
    var target = UTF8ToString(url).replace(/^http(s?):/i, 'ws$1:');
    var ws;
    try {
      // In Node (twinsock_js_ws_takes_headers) the handshake takes headers, the jar's cookies too:
      // the `ws` package as a third argument, Node's own WebSocket (undici) in its init object.
      if (_twinsock_js_ws_takes_headers()) TWS.addJarCookies(headers, target);
      if (headers.length) {
        var fields = {};
        headers.forEach(function (h) { fields[h[0]] = h[1]; });
        ws = Impl === Module['WebSocket'] ? new Impl(target, protocols, { headers: fields })
                                          : new Impl(target, { protocols: protocols, headers: fields });
      } else {
        ws = protocols.length ? new Impl(target, protocols) : new Impl(target);
      }
    } catch (e) {
      // A bad URL or subprotocol: report it like a failed connection, on a later turn.
      var message = TWS.describe(e);
      setTimeout(function () {
        TWS.withString(message, function (detail) { _twinsock_ws_on_close(handle, 1006, 0, 0, 1, 0, detail); });
      }, 0);
      return 0;
    }
    ws.binaryType = 'arraybuffer';
    TWS.sockets[handle] = ws;
    var failure = '';
    var status = 0;  // of a refused upgrade: the `ws` package says "Unexpected server response: 401"
    ws.onopen = function () {
      opened = true;
      TWS.withString(ws.protocol || '', function (p) { _twinsock_ws_on_open(handle, p); });
    };
    ws.onmessage = function (event) {
      var data = event.data;
      // Over the limit only the size goes in: a hostile message must not grow the wasm heap,
      // which never shrinks. UTF-8 takes 1 to 3 bytes per UTF-16 unit.
      var tooBig = function (size) { return maxMessageSize && size > maxMessageSize; };
      var deliver = function (binary, bytes) {
        if (tooBig(bytes.length)) _twinsock_ws_on_message(handle, binary, 0, bytes.length);
        else TWS.withBytes(bytes, function (p, n) { _twinsock_ws_on_message(handle, binary, p, n); });
      };
      if (typeof data != 'string') {
        deliver(1, data instanceof ArrayBuffer ? new Uint8Array(data)
                                               : new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
      } else if (tooBig(data.length)) {
        _twinsock_ws_on_message(handle, 0, 0, data.length);
      } else if (tooBig(data.length * 3)) {
        deliver(0, TWS.encode(data));  // the byte count decides
      } else {
        TWS.withUtf8(data, function (p, n) { _twinsock_ws_on_message(handle, 0, p, n); });
      }
    };
    var opened = false;
    var closed = false;
    ws.onerror = function (event) {
      failure = TWS.describe(event && event.error) || (event && event.message) || '';
      var refused = /^Unexpected server response: (\d{3})$/.exec(failure);
      if (refused && !opened) status = Number(refused[1]);
      // Node 20's experimental WebSocket (undici) fires no close after a failed
      // connection attempt (nodejs/undici#3546); browsers and `ws` fire it right
      // after the error, in the same task. Supply it if it has not come.
      if (!opened) {
        setTimeout(function () {
          if (!closed && TWS.sockets[handle] === ws) ws.onclose({ code: 1006, reason: '', wasClean: false });
        }, 0);
      }
    };
    ws.onclose = function (event) {
      if (closed) return;
      closed = true;
      delete TWS.sockets[handle];
      TWS.withString(event.reason || '', function (reason) {
        TWS.withString(failure, function (detail) {
          _twinsock_ws_on_close(handle, event.code, reason, event.wasClean ? 1 : 0, failure ? 1 : 0, status, detail);
        });
      });
    };
    return 0;
  },
  twinsock_js_ws_takes_headers__deps: ['$TWS'],
  twinsock_js_ws_takes_headers: function () {
    // In Node: Module.WebSocket, the `ws` package the npm facade hands over, or Node's own
    // WebSocket (undici), which takes headers too. A browser's never does.
    var Impl = TWS.webSocketClass();
    return Impl && (Impl === Module['WebSocket'] || TWS.isNode()) ? 1 : 0;
  },
  twinsock_js_ws_send__deps: ['$TWS'],
  twinsock_js_ws_send: function (handle, binary, data, size) {
    var ws = TWS.sockets[handle];
    if (!ws || ws.readyState !== 1) return;
    TWS.corkUntilTaskEnd(ws);
    if (binary) ws.send(HEAPU8.slice(data, data + size));
    else ws.send(TWS.decode(data, size));
  },
  twinsock_js_ws_close__deps: ['$TWS'],
  twinsock_js_ws_close: function (handle, code, reason) {
    var ws = TWS.sockets[handle];
    if (!ws) return;
    // Browsers accept only 1000 and 3000-4999 from scripts (other codes close with none);
    // Node's `ws` also sends the protocol's own, such as 1009 for a message too big.
    try {
      ws.close(code, UTF8ToString(reason));
    } catch (e) {
      ws.close();
    }
  },
  twinsock_js_ws_buffered_amount__deps: ['$TWS'],
  twinsock_js_ws_buffered_amount: function (handle) {
    var ws = TWS.sockets[handle];
    return ws ? ws.bufferedAmount || 0 : 0;
  },
  twinsock_js_ws_release__deps: ['$TWS'],
  twinsock_js_ws_release: function (handle, abort) {
    var ws = TWS.sockets[handle];
    if (!ws) return;
    delete TWS.sockets[handle];
    ws.onopen = ws.onmessage = ws.onclose = null;
    // Not null: Node's `ws` emits "error" when closed while still connecting, and an
    // "error" nobody listens to is an uncaught exception (it would end the process).
    ws.onerror = function () {};
    if (ws.readyState === 0 || ws.readyState === 1) {
      try { ws.close(); } catch (e) { /* already closing */ }
    } else if (abort && ws.readyState === 2 && typeof ws.terminate === 'function') {
      ws.terminate();  // Node's `ws` after the close timeout: drop the socket now
    }
  },

  // ---- fetch ---------------------------------------------------------------------------
  twinsock_js_fetch__deps: ['$TWS'],
  twinsock_js_fetch: function (handle, method, url, headersJson, body, bodySize, withCredentials, noStore) {
    var end = function (failed, detail) {
      if (TWS.fetches[handle] !== controller) return;
      delete TWS.fetches[handle];
      TWS.withString(detail, function (d) { _twinsock_http_on_end(handle, failed, d); });
    };
    if (typeof fetch != 'function') {
      var controller = null;
      setTimeout(function () {
        TWS.withString('fetch() is not available', function (d) { _twinsock_http_on_end(handle, 1, d); });
      }, 0);
      return;
    }
    controller = typeof AbortController == 'function' ? new AbortController() : {};
    TWS.fetches[handle] = controller;
    var target = UTF8ToString(url);
    var requestHeaders = TWS.byteHeaders(JSON.parse(UTF8ToString(headersJson)));
    target = TWS.moveCredentials(target, requestHeaders);
    var jarUrl = TWS.addJarCookies(requestHeaders, target);
    var init = {
      method: UTF8ToString(method),
      headers: requestHeaders,
      credentials: withCredentials ? 'include' : 'same-origin',
      redirect: 'follow',
    };
    if (controller.signal) init.signal = controller.signal;
    if (bodySize > 0) init.body = HEAPU8.slice(body, body + bodySize);
    if (noStore) init.cache = 'no-store';
    var failed = function (error) {
      end(1, TWS.describe(error) || 'fetch failed');
    };
    // Each read starts a new promise chain: returning the next read from the last one's
    // then() would keep every link alive until the stream ends (about 100 bytes per chunk,
    // for as long as an event stream stays open).
    var pump = function (reader) {
      reader.read().then(function (chunk) {
        if (TWS.fetches[handle] !== controller) {
          reader.cancel().catch(function () {});
          return;
        }
        if (chunk.done) return end(0, '');
        TWS.withBytes(chunk.value, function (p, n) { _twinsock_http_on_data(handle, p, n); });
        pump(reader);
      }).catch(failed);
    };
    fetch(target, init).then(function (response) {
      if (TWS.fetches[handle] !== controller) return;
      if (jarUrl && typeof response.headers.getSetCookie == 'function') {
        // After a followed redirect the cookies are the last server's.
        var from = response.url ? new URL(response.url) : jarUrl;
        response.headers.getSetCookie().forEach(function (line) { TWS.storeCookie(from, line); });
      }
      var headers = [];
      response.headers.forEach(function (value, name) { headers.push([name, TWS.fromByteString(value)]); });
      TWS.withString(JSON.stringify(headers), function (h) { _twinsock_http_on_head(handle, response.status, h); });
      if (TWS.fetches[handle] !== controller) return;
      if (!response.body) {
        return response.arrayBuffer().then(function (buffer) {
          if (TWS.fetches[handle] !== controller) return;
          if (buffer.byteLength) {
            TWS.withBytes(new Uint8Array(buffer), function (p, n) { _twinsock_http_on_data(handle, p, n); });
          }
          end(0, '');
        });
      }
      pump(response.body.getReader());
    }).catch(failed);
  },
  twinsock_js_fetch_abort__deps: ['$TWS'],
  twinsock_js_fetch_abort: function (handle) {
    var controller = TWS.fetches[handle];
    if (!controller) return;
    delete TWS.fetches[handle];
    if (controller.abort) controller.abort();
  },
});
