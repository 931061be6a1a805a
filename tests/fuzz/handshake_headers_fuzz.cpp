// Fuzzes the parsers of response header values the clients act on: Set-Cookie
// and its dates (eio::CookieJar), Sec-WebSocket-Extensions, and the whole
// check of a 101 response (validate_upgrade_response, with permessage-deflate
// and subprotocol negotiation). The data is a list of lines.
// Selector bits: 1 = the response carries a valid Upgrade, Connection and
// Sec-WebSocket-Accept (so the fuzzer reaches the negotiation checks), 2 = a
// permessage-deflate offer is made, 4 = the Cookie header asked for is https.
// Properties: never crashes; the jar stays within kMaxCookies, keeps only
// cookies with a name and a path starting with '/', answers no other host,
// and never puts a control character (HTAB aside) in a Cookie header; parsed extensions are
// tokens; an accepted handshake selected a requested subprotocol, and deflate
// window bits within 8..15, offered when the offer fixed them.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "codec/http/syntax.hpp"
#include "codec/http/upgrade.hpp"
#include "codec/http/ws_extensions.hpp"
#include "fuzz/fuzz_support.hpp"
#include "twinsock/eio/cookie_jar.hpp"

using namespace twinsock;

namespace {

constexpr std::string_view kKey = "dGhlIHNhbXBsZSBub25jZQ==";  // RFC 6455 §1.3's example

std::vector<std::string_view> lines_of(std::string_view data) {
  std::vector<std::string_view> lines;
  while (!data.empty()) {
    const auto end = data.find('\n');
    lines.push_back(data.substr(0, end));
    data = end == std::string_view::npos ? std::string_view() : data.substr(end + 1);
  }
  return lines;
}

void check_cookies(const std::vector<std::string_view>& lines, bool secure) {
  eio::CookieJar jar;
  const auto now = eio::WallClock::time_point(std::chrono::seconds(1'700'000'000));
  for (const auto line : lines) {
    (void)eio::parse_cookie_date(line);
    jar.set_cookie("example.test", "/a/b", line, now);
    TWINSOCK_FUZZ_ASSERT(jar.size() <= eio::CookieJar::kMaxCookies);
  }
  for (const auto& cookie : jar.cookies()) {
    TWINSOCK_FUZZ_ASSERT(!cookie.name.empty());
    TWINSOCK_FUZZ_ASSERT(!cookie.path.empty() && cookie.path[0] == '/');
  }
  for (const char* path : {"/", "/a/b/c", "/other"}) {
    const std::string header = jar.header_for("example.test", path, secure, now);
    for (const char c : header)  // a valid field value: no control character but HTAB
      TWINSOCK_FUZZ_ASSERT(http::is_field_value_char(static_cast<unsigned char>(c)));
  }
  TWINSOCK_FUZZ_ASSERT(jar.header_for("elsewhere.test", "/a/b", true, now).empty());
}

void check_extensions(std::string_view value) {
  std::vector<http::Extension> extensions;
  if (!http::parse_extension_list(value, extensions)) return;
  for (const auto& e : extensions) {
    TWINSOCK_FUZZ_ASSERT(http::is_token(e.name));
    for (const auto& p : e.params) TWINSOCK_FUZZ_ASSERT(http::is_token(p.name));
  }
}

void check_upgrade(const std::vector<std::string_view>& lines, std::uint8_t selector) {
  http::ResponseHead head;
  head.status = 101;
  if (selector & 1) {
    head.headers.push_back({"Upgrade", "websocket"});
    head.headers.push_back({"Connection", "Upgrade"});
    head.headers.push_back({"Sec-WebSocket-Accept", http::accept_key(kKey)});
  }
  for (const auto line : lines) {
    const auto colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    head.headers.push_back({std::string(line.substr(0, colon)), std::string(line.substr(colon + 1))});
  }
  http::UpgradeOptions options;
  options.subprotocols = {"chat", "superchat"};
  if (selector & 2) options.permessage_deflate = http::DeflateOffer{.client_max_window_bits_value = 12};
  http::UpgradeResult result;
  if (http::validate_upgrade_response(head, kKey, options, result)) return;
  TWINSOCK_FUZZ_ASSERT(result.status == 101);
  TWINSOCK_FUZZ_ASSERT(result.subprotocol.empty() || result.subprotocol == "chat" || result.subprotocol == "superchat");
  if (!result.permessage_deflate) return;
  TWINSOCK_FUZZ_ASSERT(options.permessage_deflate.has_value());
  const auto& d = *result.permessage_deflate;
  TWINSOCK_FUZZ_ASSERT(d.server_max_window_bits >= 8 && d.server_max_window_bits <= 15);
  TWINSOCK_FUZZ_ASSERT(d.client_max_window_bits >= 8 && d.client_max_window_bits <= 12);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::uint8_t selector = data[0];
  const std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
  const auto lines = lines_of(text);
  check_cookies(lines, (selector & 4) != 0);
  for (const auto line : lines) check_extensions(line);
  check_upgrade(lines, selector);
  return 0;
}
