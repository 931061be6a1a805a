// Fuzzes url::parse (and the query helpers on what it accepts).
// Properties: parse either fails with a url_* error or yields a URL whose
// href() parses back to the same fields; the length limit holds; a decoded
// query re-encodes to the same list.
#include <cstdint>
#include <string>

#include "codec/url/query.hpp"
#include "codec/url/socketio.hpp"
#include "codec/url/url.hpp"
#include "fuzz_support.hpp"
#include "twinsock/error.hpp"

using namespace twinsock;

static bool same(const url::Url& a, const url::Url& b) {
  return a.scheme == b.scheme && a.username == b.username && a.password == b.password && a.host == b.host &&
         a.host_kind == b.host_kind && a.port == b.port && a.path == b.path && a.query == b.query;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const fuzz::Input input = fuzz::make_chunked(data, size);
  std::string text;
  for (auto chunk : input.chunks) text += as_text(chunk);
  url::UrlLimits limits;
  limits.max_length = input.selector & 1 ? 64 : 8192;

  url::Url u;
  const std::error_code ec = url::parse(text, u, limits);
  if (text.size() > limits.max_length) TWINSOCK_FUZZ_ASSERT(ec == errc::url_too_long);
  if (!ec) {
    TWINSOCK_FUZZ_ASSERT(!u.host.empty() && u.port != 0 && !u.path.empty() && u.path[0] == '/');
    url::Url again;
    TWINSOCK_FUZZ_ASSERT(!url::parse(u.href(), again, url::UrlLimits{1 << 20}));
    TWINSOCK_FUZZ_ASSERT(same(u, again));
    (void)u.with_websocket_scheme().origin();
    (void)u.with_http_scheme().target();
    const url::SocketIoTarget t = url::split_socketio(u);
    url::QueryList params;
    if (!url::decode_query(t.query, params)) {
      url::QueryList back;
      TWINSOCK_FUZZ_ASSERT(!url::decode_query(url::encode_query(params), back));
      TWINSOCK_FUZZ_ASSERT(back == params);
      const std::string target = url::engine_target(t.nsp, url::engine_query("polling", "sid", params));
      TWINSOCK_FUZZ_ASSERT(!target.empty() && target[0] == '/');
    }
  } else {
    TWINSOCK_FUZZ_ASSERT(ec.category() == error_category());
  }
  return 0;
}
