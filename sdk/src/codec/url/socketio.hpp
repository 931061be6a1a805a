// How a Socket.IO URL maps onto an Engine.IO connection, as socket.io-client's
// `url()` + `lookup()` + Manager do it:
//   "http://h:3000/chat?x=1"  ->  engine endpoint http://h:3000, namespace "/chat",
//                                 query "x=1" (sent with every Engine.IO request).
// The Engine.IO path ("/socket.io/") is a client option, never part of the URL.
#pragma once

#include <string>
#include <string_view>

#include "codec/url/query.hpp"
#include "codec/url/url.hpp"

namespace twinsock::url {

struct SocketIoTarget {
  Url engine;         // scheme, userinfo, host and port of the URL; path "/", no query
  std::string nsp;    // the URL's path: "/" or e.g. "/chat" (percent-encoded as in the URL)
  std::string query;  // the URL's query without '?', to pass to Engine.IO
};

SocketIoTarget split_socketio(const Url& url);

/// Engine.IO request query (engine.io-client `createTransport`): EIO=4,
/// transport, sid when non-empty, then `extra` minus any EIO/transport/sid
/// entries (ours win, as in the reference client).
QueryList engine_query(std::string_view transport, std::string_view sid, const QueryList& extra = {});

/// request-target for an Engine.IO request: `path` with exactly one trailing
/// '/' when `add_trailing_slash` (none otherwise; engine.io-client's
/// addTrailingSlash), a leading '/' added if missing, unsafe characters
/// percent-encoded, then "?" and the encoded params, e.g.
/// engine_target("/socket.io/", engine_query("polling", "")) == "/socket.io/?EIO=4&transport=polling".
std::string engine_target(std::string_view path, const QueryList& params, bool add_trailing_slash = true);

}  // namespace twinsock::url
