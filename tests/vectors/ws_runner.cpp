// Golden-vector runner for the WebSocket framing codec (RFC 6455 §5).
//
// Vectors:
//  {"op": "decode", "input_hex": "..." | [parts], "allow_rsv1"?, "max_message_size"?}
//      parts are hex strings or {"repeat": "2a", "count": N}; the result is the list
//      of events, plus {"incomplete": true} when the input ends mid-frame/message.
//      Events: {"text": "..."}, {"binary": "hex"}, {"ping": "hex"}, {"pong": "hex"},
//      {"close": code|null, "reason": "..."}, {"error": id, "close_code": N};
//      compressed messages add "compressed": true and show text as hex; payloads
//      over 64 bytes show {"size", "head", "tail"} (first and last 8 bytes).
//  {"op": "encode_message", "type": "text"|"binary", "payload"|"payload_hex",
//      "max_frame_payload"?, "rsv1"?, "mask_hex"}
//  {"op": "encode_frame", "opcode", "payload"|"payload_hex", "fin"?, "rsv1"?, "mask_hex"}
//  {"op": "encode_ping"|"encode_pong", "payload"|"payload_hex", "mask_hex"}
//  {"op": "encode_close", "code"?: N, "reason"?: "..." | "reason_hex"?: "...", "mask_hex"}
//      encoders give the frames as hex or {"error": id}; masks cycle through mask_hex.
//  {"op": "close_code_valid", "codes": [N...]} -> [bool...]
#include <cstdint>
#include <optional>
#include <string>

#include "codec/ws/decoder.hpp"
#include "codec/ws/encoder.hpp"
#include "support/chunking.hpp"
#include "support/hex.hpp"
#include "support/vector_registry.hpp"
#include "twinsock/error.hpp"
#include "util/random.hpp"

namespace {

using nlohmann::json;
using twinsock::bytes;
using twinsock::bytes_view;
using twinsock::testing::Chunks;
using twinsock::testing::from_hex;
using twinsock::testing::to_hex;
namespace ws = twinsock::ws;

// Hands out the vector's mask bytes in a cycle (deterministic masks, §5.3).
class CyclingRandom final : public twinsock::RandomSource {
 public:
  explicit CyclingRandom(bytes pattern) : pattern_(std::move(pattern)) {}
  void fill(std::span<std::uint8_t> out) override {
    for (auto& b : out) b = pattern_.empty() ? 0 : pattern_[at_++ % pattern_.size()];
  }

 private:
  bytes pattern_;
  std::size_t at_ = 0;
};

std::string str(const json& v, const char* key) {
  return v.contains(key) && v[key].is_string() ? v[key].get<std::string>() : std::string();
}

std::uint64_t num(const json& v, const char* key, std::uint64_t fallback) {
  return v.contains(key) && v[key].is_number_unsigned() ? v[key].get<std::uint64_t>() : fallback;
}

bool flag(const json& v, const char* key) { return v.contains(key) && v[key].is_boolean() && v[key].get<bool>(); }

std::optional<bytes> input_bytes(const json& v) {
  if (!v.contains("input_hex")) return bytes{};
  const json& in = v["input_hex"];
  if (in.is_string()) return from_hex(in.get<std::string>());
  if (!in.is_array()) return std::nullopt;
  bytes out;
  for (const json& part : in) {
    if (part.is_string()) {
      auto b = from_hex(part.get<std::string>());
      if (!b) return std::nullopt;
      out.insert(out.end(), b->begin(), b->end());
    } else if (part.is_object()) {
      auto b = from_hex(str(part, "repeat"));
      const std::uint64_t count = num(part, "count", 0);
      if (!b || b->size() != 1) return std::nullopt;
      out.insert(out.end(), static_cast<std::size_t>(count), (*b)[0]);
    } else {
      return std::nullopt;
    }
  }
  return out;
}

bytes payload_bytes(const json& v) {
  if (v.contains("payload_hex")) return from_hex(str(v, "payload_hex")).value_or(bytes{});
  const std::string text = str(v, "payload");
  return bytes(text.begin(), text.end());
}

json data(bytes_view payload, bool as_text) {
  if (payload.size() > 64) {
    return {{"size", payload.size()}, {"head", to_hex(payload.first(8))}, {"tail", to_hex(payload.last(8))}};
  }
  if (as_text) return std::string(twinsock::as_text(payload));  // validated UTF-8
  return to_hex(payload);
}

json render(const ws::Event& e) {
  switch (e.type) {
    case ws::EventType::text:
    case ws::EventType::binary: {
      const bool text = e.type == ws::EventType::text;
      json out = {{text ? "text" : "binary", data(e.payload, text && !e.compressed)}};
      if (e.compressed) out["compressed"] = true;
      return out;
    }
    case ws::EventType::ping:
      return {{"ping", data(e.payload, false)}};
    case ws::EventType::pong:
      return {{"pong", data(e.payload, false)}};
    case ws::EventType::close:
      return {{"close", e.close_code ? json(*e.close_code) : json(nullptr)}, {"reason", data(e.payload, true)}};
    case ws::EventType::error:
      return {{"error", std::string(twinsock::error_id(e.error))}, {"close_code", twinsock::close_code_for(e.error)}};
  }
  return nullptr;
}

json decode(const json& v) {
  const auto input = input_bytes(v);
  if (!input) return {{"error", "bad input_hex"}};
  ws::DecoderConfig config;
  config.allow_rsv1 = flag(v, "allow_rsv1");
  config.max_message_size = num(v, "max_message_size", config.max_message_size);
  return twinsock::testing::same_for_every_split(*input, [&](const Chunks& chunks) {
    ws::Decoder decoder(config);
    json events = json::array();
    for (auto chunk : chunks) {
      decoder.feed(chunk);
      while (auto event = decoder.next()) events.push_back(render(*event));
    }
    if (!decoder.failed() && !decoder.idle()) events.push_back({{"incomplete", true}});
    return events;
  });
}

json encoded(const bytes& out, std::error_code ec) {
  if (ec) return {{"error", std::string(twinsock::error_id(ec))}};
  return to_hex(out);
}

}  // namespace

TWINSOCK_VECTOR_RUNNER(ws) {
  const std::string op = str(v, "op");
  if (op == "decode") return decode(v);
  if (op == "close_code_valid") {
    json out = json::array();
    if (v.contains("codes") && v["codes"].is_array()) {
      for (const json& code : v["codes"]) {
        out.push_back(code.is_number_unsigned() && code.get<std::uint64_t>() <= 0xFFFF &&
                      ws::is_valid_close_code_on_wire(static_cast<std::uint16_t>(code.get<std::uint64_t>())));
      }
    }
    return out;
  }
  CyclingRandom random(from_hex(str(v, "mask_hex")).value_or(bytes{}));
  const bytes payload = payload_bytes(v);
  bytes out;
  if (op == "encode_message") {
    ws::MessageOptions options;
    options.max_frame_payload = static_cast<std::size_t>(num(v, "max_frame_payload", 0));
    options.rsv1 = flag(v, "rsv1");
    const auto type = str(v, "type") == "text" ? ws::MessageType::text : ws::MessageType::binary;
    ws::encode_message(out, type, payload, random, options);
    return encoded(out, {});
  }
  if (op == "encode_frame") {
    const auto opcode = static_cast<ws::Opcode>(num(v, "opcode", 0) & 0xFF);
    const bool fin = !v.contains("fin") || flag(v, "fin");
    return encoded(out, ws::encode_frame(out, opcode, payload, random, fin, flag(v, "rsv1")));
  }
  if (op == "encode_ping") return encoded(out, ws::encode_ping(out, payload, random));
  if (op == "encode_pong") return encoded(out, ws::encode_pong(out, payload, random));
  if (op == "encode_close") {
    std::optional<std::uint16_t> code;
    if (v.contains("code") && v["code"].is_number_unsigned()) {
      code = static_cast<std::uint16_t>(v["code"].get<std::uint64_t>());
    }
    std::string reason = str(v, "reason");
    if (v.contains("reason_hex")) {
      const bytes raw = from_hex(str(v, "reason_hex")).value_or(bytes{});
      reason.assign(raw.begin(), raw.end());
    }
    return encoded(out, ws::encode_close(out, code, reason, random));
  }
  return {{"error", "unknown op " + op}};
}
