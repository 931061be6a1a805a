// Golden-vector runner for the HTTP/1.1 client codec.
// Vector ops:
//  "response" (default): "input" (or "input_hex"), "head": bool, "eof": bool (default true),
//     "limits": {max_head_bytes, max_headers, max_body_bytes, max_chunk_line_bytes, max_trailer_bytes}
//     -> {"events": [...]}: {"head": {...}}, {"body": text} (pieces joined), {"end": trailers},
//        {"upgrade": rest-after-head}, "closed", {"error": id}. Fed split at every byte.
//  "request": "method", "target", "headers": [[n, v]...], "body" -> request text or {"error": id}
//  "upgrade_request": "url", "options" -> request text and key (nonce = "the sample nonce")
//  "upgrade_response": "input" (raw response), "key", "options" -> negotiated result or {"error", "status"}
//  options: {"subprotocols": [...], "deflate": {"snct", "cnct", "smwb", "cmwb", "cmwb_value"}, "headers": [[n, v]...]}
#include "codec/http/request.hpp"
#include "codec/http/response_parser.hpp"
#include "codec/http/upgrade.hpp"
#include "codec/url/url.hpp"
#include "support/chunking.hpp"
#include "support/hex.hpp"
#include "support/vector_registry.hpp"
#include "twinsock/error.hpp"

using nlohmann::json;
using namespace twinsock;

namespace {

std::string str(const json& v, const char* key, const char* fallback = "") {
  return v.contains(key) && v[key].is_string() ? v[key].get<std::string>() : fallback;
}
bool flag(const json& v, const char* key, bool fallback) {
  return v.contains(key) && v[key].is_boolean() ? v[key].get<bool>() : fallback;
}
std::uint64_t number(const json& v, const char* key, std::uint64_t fallback) {
  return v.contains(key) && v[key].is_number_unsigned() ? v[key].get<std::uint64_t>() : fallback;
}

json error(std::error_code ec) { return {{"error", std::string(error_id(ec))}}; }

http::Headers headers_of(const json& v) {
  http::Headers out;
  if (!v.is_array()) return out;
  for (const auto& h : v)
    if (h.is_array() && h.size() == 2 && h[0].is_string() && h[1].is_string())
      out.push_back({h[0].get<std::string>(), h[1].get<std::string>()});
  return out;
}

json render_headers(const http::Headers& headers) {
  json out = json::array();
  for (const auto& h : headers) out.push_back({h.name, h.value});
  return out;
}

json render_head(const http::ResponseHead& head) {
  return {{"version", "1." + std::to_string(head.version_minor)},
          {"status", head.status},
          {"reason", head.reason},
          {"headers", render_headers(head.headers)}};
}

http::UpgradeOptions options_of(const json& v) {
  http::UpgradeOptions o;
  if (!v.is_object()) return o;
  if (v.contains("subprotocols") && v["subprotocols"].is_array())
    for (const auto& p : v["subprotocols"])
      if (p.is_string()) o.subprotocols.push_back(p.get<std::string>());
  if (v.contains("deflate") && v["deflate"].is_object()) {
    const json& d = v["deflate"];
    http::DeflateOffer offer;
    offer.server_no_context_takeover = flag(d, "snct", false);
    offer.client_no_context_takeover = flag(d, "cnct", false);
    offer.server_max_window_bits = static_cast<std::uint8_t>(number(d, "smwb", 0));
    offer.client_max_window_bits = flag(d, "cmwb", true);
    offer.client_max_window_bits_value = static_cast<std::uint8_t>(number(d, "cmwb_value", 0));
    o.permessage_deflate = offer;
  }
  if (v.contains("headers")) o.extra_headers = headers_of(v["headers"]);
  return o;
}

class SampleNonce : public RandomSource {  // RFC 6455 §1.3's "the sample nonce"
 public:
  void fill(std::span<std::uint8_t> out) override {
    for (std::size_t i = 0; i < out.size(); ++i) out[i] = static_cast<std::uint8_t>("the sample nonce"[i % 16]);
  }
};

// Parses `chunks` as a response stream; the JSON log joins body pieces.
json parse_response(const testing::Chunks& chunks, const json& v) {
  http::ResponseLimits limits;
  if (v.contains("limits") && v["limits"].is_object()) {
    const json& l = v["limits"];
    limits.max_head_bytes = number(l, "max_head_bytes", limits.max_head_bytes);
    limits.max_headers = number(l, "max_headers", limits.max_headers);
    limits.max_body_bytes = number(l, "max_body_bytes", limits.max_body_bytes);
    limits.max_chunk_line_bytes = number(l, "max_chunk_line_bytes", limits.max_chunk_line_bytes);
    limits.max_trailer_bytes = number(l, "max_trailer_bytes", limits.max_trailer_bytes);
  }
  http::ResponseParser p(limits);
  const bool head = flag(v, "head", false);
  p.set_head_request(head);
  json events = json::array();
  std::string body;
  bool in_body = false, stopped = false, upgraded = false;
  auto flush = [&] {
    if (in_body) events.push_back({{"body", body}});
    body.clear();
    in_body = false;
  };
  auto drain = [&] {
    for (;;) {
      const http::Event ev = p.next();
      if (ev.kind == http::EventKind::need_data) return;
      if (ev.kind == http::EventKind::body) {
        body += as_text(ev.data);
        in_body = true;
        continue;
      }
      flush();
      switch (ev.kind) {
        case http::EventKind::head:
          events.push_back({{"head", render_head(p.head())}});
          if (head) p.set_head_request(true);  // every response of this vector answers a HEAD
          break;
        case http::EventKind::message_end:
          events.push_back({{"end", render_headers(p.trailers())}});
          break;
        case http::EventKind::upgrade:
          events.push_back({{"upgrade", render_head(p.head())}});
          body.assign(as_text(p.unconsumed()));  // what the WebSocket decoder gets
          stopped = upgraded = true;
          return;
        case http::EventKind::closed:
          events.push_back("closed");
          stopped = true;
          return;
        default:
          events.push_back(error(ev.error));
          stopped = true;
          return;
      }
    }
  };
  std::string rest;
  for (auto chunk : chunks) {
    if (stopped) {
      if (upgraded) rest += as_text(chunk);
      continue;
    }
    p.feed(chunk);
    drain();
    if (upgraded) rest = body;
  }
  if (!stopped && flag(v, "eof", true)) {
    p.finish();
    drain();
  }
  flush();
  json out = {{"events", events}};
  if (!rest.empty()) out["rest"] = rest;
  return out;
}

}  // namespace

TWINSOCK_VECTOR_RUNNER(http) {
  const std::string op = str(v, "op", "response");
  bytes input;
  if (v.contains("input_hex")) {
    input = testing::from_hex(str(v, "input_hex")).value_or(bytes{});
  } else {
    const std::string text = str(v, "input");
    input.assign(text.begin(), text.end());
  }
  if (op == "response")
    return testing::same_for_every_split(input, [&](const testing::Chunks& c) { return parse_response(c, v); });
  if (op == "request") {
    http::Request req;
    req.method = str(v, "method", "GET");
    req.target = str(v, "target", "/");
    if (v.contains("headers")) req.headers = headers_of(v["headers"]);
    req.body = str(v, "body");
    std::string out;
    if (auto ec = http::write_request(req, out)) return error(ec);
    return out;
  }
  if (op == "upgrade_request") {
    url::Url u;
    if (auto ec = url::parse(str(v, "url"), u)) return error(ec);
    SampleNonce nonce;
    http::UpgradeRequest req;
    if (auto ec = http::make_upgrade_request(u, options_of(v.contains("options") ? v["options"] : json()), nonce, req))
      return error(ec);
    return {{"text", req.text}, {"key", req.key}};
  }
  if (op == "upgrade_response") {
    const json options = v.contains("options") ? v["options"] : json();
    const std::string key = str(v, "key", "dGhlIHNhbXBsZSBub25jZQ==");
    return testing::same_for_every_split(input, [&](const testing::Chunks& chunks) -> json {
      http::ResponseParser p;
      for (auto chunk : chunks) {
        p.feed(chunk);
        for (http::Event ev = p.next(); ev.kind != http::EventKind::need_data; ev = p.next()) {
          if (ev.kind == http::EventKind::error) return error(ev.error);
          if (ev.kind == http::EventKind::head || ev.kind == http::EventKind::upgrade) {
            http::UpgradeResult r;
            if (auto ec = http::validate_upgrade_response(p.head(), key, options_of(options), r))
              return {{"error", std::string(error_id(ec))}, {"status", r.status}};
            json out = {{"subprotocol", r.subprotocol}};
            if (r.permessage_deflate) {
              const auto& d = *r.permessage_deflate;
              out["deflate"] = {{"snct", d.server_no_context_takeover}, {"cnct", d.client_no_context_takeover},
                                {"smwb", d.server_max_window_bits}, {"cmwb", d.client_max_window_bits}};
            }
            return out;
          }
        }
      }
      return {{"error", "no head"}};
    });
  }
  return {{"error", "unknown op " + op}};
}
