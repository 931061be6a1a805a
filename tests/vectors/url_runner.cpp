// Golden-vector runner for the URL codec.
// Vector: {"op": "parse" (default) | "socketio" | "engine_target" | "query",
//          "input": text, "max_length"?: n,
//          engine_target: "path", "transport", "sid", "extra" (query text), "add_trailing_slash"}
// parse -> the URL's fields and helpers, or {"error": id}.
#include "codec/url/query.hpp"
#include "codec/url/socketio.hpp"
#include "codec/url/url.hpp"
#include "support/chunking.hpp"
#include "support/vector_registry.hpp"
#include "twinsock/error.hpp"

using nlohmann::json;
using namespace twinsock;

namespace {

std::string str(const json& v, const char* key, const char* fallback = "") {
  return v.contains(key) && v[key].is_string() ? v[key].get<std::string>() : fallback;
}

json error(std::error_code ec) { return {{"error", std::string(error_id(ec))}}; }

const char* kind_name(url::HostKind k) {
  switch (k) {
    case url::HostKind::name: return "name";
    case url::HostKind::ipv4: return "ipv4";
    case url::HostKind::ipv6: return "ipv6";
  }
  return "?";
}

json render(const url::Url& u) {
  json out = {{"scheme", u.scheme}, {"host", u.host}, {"host_kind", kind_name(u.host_kind)}, {"port", u.port},
              {"path", u.path}, {"query", u.query}, {"host_header", u.host_for_header()}, {"href", u.href()}};
  if (u.has_userinfo()) out["userinfo"] = {u.decoded_username(), u.decoded_password()};
  return out;
}

json query_list(const url::QueryList& params) {
  json out = json::array();
  for (const auto& p : params) out.push_back({p.key, p.value});
  return out;
}

}  // namespace

TWINSOCK_VECTOR_RUNNER(url) {
  const std::string op = str(v, "op", "parse");
  const std::string input = str(v, "input");
  url::UrlLimits limits;
  if (v.contains("max_length") && v["max_length"].is_number_unsigned())
    limits.max_length = v["max_length"].get<std::size_t>();
  // The URL parser takes whole strings; chunks are joined first, which keeps the
  // runner in the common "same result for every split" shape.
  auto parse_joined = [&](const testing::Chunks& chunks, url::Url& u) {
    std::string text;
    for (auto c : chunks) text += as_text(c);
    return url::parse(text, u, limits);
  };
  if (op == "parse") {
    return testing::same_for_every_split(as_bytes(input), [&](const testing::Chunks& chunks) {
      url::Url u;
      if (auto ec = parse_joined(chunks, u)) return error(ec);
      return render(u);
    });
  }
  if (op == "socketio") {
    url::Url u;
    if (auto ec = url::parse(input, u, limits)) return error(ec);
    const url::SocketIoTarget t = url::split_socketio(u);
    return {{"engine", t.engine.href()}, {"nsp", t.nsp}, {"query", t.query}};
  }
  if (op == "engine_target") {
    url::QueryList extra;
    if (auto ec = url::decode_query(str(v, "extra"), extra)) return error(ec);
    const bool slash = !(v.contains("add_trailing_slash") && v["add_trailing_slash"].is_boolean() &&
                         !v["add_trailing_slash"].get<bool>());
    return url::engine_target(str(v, "path", "/socket.io/"),
                              url::engine_query(str(v, "transport", "polling"), str(v, "sid"), extra), slash);
  }
  if (op == "query") {
    url::QueryList params;
    if (auto ec = url::decode_query(input, params)) return error(ec);
    return {{"params", query_list(params)}, {"encoded", url::encode_query(params)}};
  }
  return {{"error", "unknown op " + op}};
}
