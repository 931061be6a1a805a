#include "codec/eio/handshake.hpp"

#include <nlohmann/json.hpp>

#include "codec/json/parser.hpp"
#include "twinsock/error.hpp"

namespace twinsock::eio {
namespace {

using nlohmann::json;

// Both documents are flat; a low nesting bound keeps a hostile one from costing
// memory or stack (the WASM stack is small).
constexpr std::size_t kMaxJsonDepth = 16;

// A discarded value for invalid or too deep JSON, or anything but an object.
json parse_object(std::string_view text) {
  json value;
  if (parse_json(text, value, kMaxJsonDepth) != JsonParseError::none || !value.is_object())
    return json(json::value_t::discarded);
  return value;
}

const json* member(const json& object, const char* key) {
  const auto it = object.find(key);
  return it == object.end() ? nullptr : &*it;
}

// A non-negative number, as socket.io-client takes it: a fraction is cut (1000.5 -> 1000)
// and anything above `max` counts as `max` (a server sending 3e9 ms means "very long").
// Integers too large for 64 bits parse as floats. Negatives and non-numbers: false.
bool get_unsigned(const json* v, std::uint64_t max, std::uint64_t& out) {
  if (v == nullptr) return false;
  if (v->is_number_unsigned()) {
    out = v->get<std::uint64_t>();
  } else if (v->is_number_integer()) {  // signed: only non-negative values
    const auto n = v->get<std::int64_t>();
    if (n < 0) return false;
    out = static_cast<std::uint64_t>(n);
  } else if (v->is_number_float()) {
    const double d = v->get<double>();
    if (!(d >= 0)) return false;  // also NaN
    out = d < 18446744073709551616.0 ? static_cast<std::uint64_t>(d) : UINT64_MAX;  // 2^64 does not fit
  } else {
    return false;
  }
  if (out > max) out = max;
  return true;
}

}  // namespace

std::error_code parse_handshake(std::string_view text, Handshake& out) {
  out = Handshake{};
  const json doc = parse_object(text);
  if (doc.is_discarded()) return errc::eio_bad_handshake;

  const json* sid = member(doc, "sid");
  if (sid == nullptr || !sid->is_string()) return errc::eio_bad_handshake;
  const auto& sid_text = sid->get_ref<const std::string&>();
  if (sid_text.empty()) return errc::eio_bad_handshake;

  const json* upgrades = member(doc, "upgrades");
  if (upgrades == nullptr || !upgrades->is_array()) return errc::eio_bad_handshake;
  std::vector<std::string> names;
  names.reserve(upgrades->size());
  for (const json& name : *upgrades) {
    if (!name.is_string()) return errc::eio_bad_handshake;
    names.push_back(name.get_ref<const std::string&>());
  }

  std::uint64_t interval = 0, timeout = 0, max_payload = 1'000'000;
  if (!get_unsigned(member(doc, "pingInterval"), kMaxPingMs, interval)) return errc::eio_bad_handshake;
  if (!get_unsigned(member(doc, "pingTimeout"), kMaxPingMs, timeout)) return errc::eio_bad_handshake;
  // Zero would end the session at its first heartbeat ("ping timeout" at once): refused
  // with the open packet, where the cause is plain.
  if (interval == 0 || timeout == 0) return errc::eio_bad_handshake;
  if (const json* mp = member(doc, "maxPayload")) {
    // null is what a server with maxHttpBufferSize Infinity sends (JSON has no Infinity).
    if (mp->is_null()) max_payload = 0;
    else if (!get_unsigned(mp, UINT64_MAX, max_payload)) return errc::eio_bad_handshake;
  }

  out.sid = sid_text;
  out.upgrades = std::move(names);
  out.ping_interval_ms = static_cast<std::uint32_t>(interval);
  out.ping_timeout_ms = static_cast<std::uint32_t>(timeout);
  out.max_payload = max_payload;
  return {};
}

std::error_code parse_handshake(const Packet& open, Handshake& out) {
  if (open.is_binary || open.type != PacketType::open) {
    out = Handshake{};
    return errc::eio_bad_handshake;
  }
  return parse_handshake(open.data, out);
}

std::optional<ServerError> parse_error_body(std::string_view body) {
  const json doc = parse_object(body);
  if (doc.is_discarded()) return std::nullopt;
  const json* code = member(doc, "code");
  if (code == nullptr || !code->is_number_integer()) return std::nullopt;  // also true for unsigned
  ServerError error;
  if (code->is_number_unsigned()) {
    const auto n = code->get<std::uint64_t>();
    if (n > static_cast<std::uint64_t>(INT64_MAX)) return std::nullopt;
    error.code = static_cast<std::int64_t>(n);
  } else {
    error.code = code->get<std::int64_t>();
  }
  if (const json* message = member(doc, "message")) {
    if (!message->is_string()) return std::nullopt;
    error.message = message->get_ref<const std::string&>();
  }
  return error;
}

}  // namespace twinsock::eio
