// Golden-vector runner for the Engine.IO v4 codec.
// Vector: {"op", ...} with op one of
//   decode_packet  {"input"}                      -> {"packet": P} | {"error": id}    (WebSocket text frame / record)
//   decode_binary  {"input_hex"}                  -> {"packet": P}                    (WebSocket binary frame)
//   encode_packet  {"packet": P}                  -> {"text": "...", "ws": {"binary": b, "text"|"hex"}}
//   decode_payload {"input", "limits"?}           -> {"packets": [P], "error"?: id}
//   encode_payload {"packets": [P]}               -> {"payload": "..."}
//   writable_count {"packets": [P], "max_payload"} -> {"count": n}
//   handshake      {"input": "0{...}"}            -> {"handshake": {...}} | {"error": id}
//   error_body     {"input"}                      -> {"code", "message"} | null
// P = {"type": "message", "data": "..."} or {"type": "message", "binary": "<hex>"}; text that is not
// UTF-8 is rendered as "data_hex". Decoders take whole inputs; they still go through
// same_for_every_split (the chunks are joined first), so every op is checked the same way.
#include "codec/eio/handshake.hpp"
#include "codec/eio/payload.hpp"
#include "support/chunking.hpp"
#include "support/hex.hpp"
#include "support/vector_registry.hpp"
#include "twinsock/error.hpp"
#include "util/utf8.hpp"

using nlohmann::json;
using twinsock::bytes;
using twinsock::eio::Packet;
using twinsock::eio::PacketType;
using twinsock::testing::Chunks;

namespace {

std::string str(const json& v, const char* key) {
  if (!v.is_object()) return {};
  const auto it = v.find(key);
  return it != v.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::size_t num(const json& v, const char* key, std::size_t fallback) {
  if (!v.is_object()) return fallback;
  const auto it = v.find(key);
  return it != v.end() && it->is_number_unsigned() ? it->get<std::size_t>() : fallback;
}

std::string joined(const Chunks& chunks) {
  std::string out;
  for (auto c : chunks) out += twinsock::as_text(c);
  return out;
}

json render(const Packet& p) {
  json out = {{"type", std::string(twinsock::eio::to_string(p.type))}};
  if (p.is_binary) {
    out["binary"] = twinsock::testing::to_hex(p.binary);
  } else if (twinsock::utf8::is_valid(twinsock::as_bytes(p.data))) {
    out["data"] = p.data;
  } else {
    out["data_hex"] = twinsock::testing::to_hex(twinsock::as_bytes(p.data));
  }
  return out;
}

Packet packet_from(const json& v) {
  if (v.is_object() && v.contains("binary"))
    return Packet::binary_message(twinsock::testing::from_hex(str(v, "binary")).value_or(bytes{}));
  const std::string type = str(v, "type");
  PacketType t = PacketType::message;
  for (int i = 0; i <= 6; ++i)
    if (twinsock::eio::to_string(static_cast<PacketType>(i)) == type) t = static_cast<PacketType>(i);
  return Packet::text(t, str(v, "data"));
}

std::vector<Packet> packets_from(const json& v) {
  std::vector<Packet> out;
  if (v.is_object() && v.contains("packets") && v["packets"].is_array())
    for (const json& p : v["packets"]) out.push_back(packet_from(p));
  return out;
}

json error_json(std::error_code ec) { return std::string(twinsock::error_id(ec)); }

}  // namespace

TWINSOCK_VECTOR_RUNNER(eio) {
  const std::string op = str(v, "op");
  bytes input;
  if (v.contains("input_hex")) {
    input = twinsock::testing::from_hex(str(v, "input_hex")).value_or(bytes{});
  } else {
    const std::string text = str(v, "input");
    input.assign(text.begin(), text.end());
  }

  if (op == "decode_packet") {
    return twinsock::testing::same_for_every_split(input, [](const Chunks& chunks) {
      Packet p;
      if (auto ec = twinsock::eio::decode_text(joined(chunks), p)) return json{{"error", error_json(ec)}};
      return json{{"packet", render(p)}};
    });
  }
  if (op == "decode_binary") {
    return twinsock::testing::same_for_every_split(input, [](const Chunks& chunks) {
      const std::string all = joined(chunks);
      return json{{"packet", render(twinsock::eio::decode_binary(twinsock::as_bytes(all)))}};
    });
  }
  if (op == "decode_payload") {
    twinsock::eio::PayloadLimits limits;
    if (v.contains("limits")) {
      limits.max_payload_bytes = num(v["limits"], "max_payload_bytes", limits.max_payload_bytes);
      limits.max_packets = num(v["limits"], "max_packets", limits.max_packets);
    }
    return twinsock::testing::same_for_every_split(input, [&](const Chunks& chunks) {
      std::vector<Packet> packets;
      const auto ec = twinsock::eio::decode_payload(joined(chunks), packets, limits);
      json out = {{"packets", json::array()}};
      for (const Packet& p : packets) out["packets"].push_back(render(p));
      if (ec) out["error"] = error_json(ec);
      return out;
    });
  }
  if (op == "handshake") {
    return twinsock::testing::same_for_every_split(input, [](const Chunks& chunks) {
      Packet open;
      twinsock::eio::Handshake h;
      auto ec = twinsock::eio::decode_text(joined(chunks), open);
      if (!ec) ec = twinsock::eio::parse_handshake(open, h);
      if (ec) return json{{"error", error_json(ec)}};
      return json{{"handshake",
                   {{"sid", h.sid},
                    {"upgrades", h.upgrades},
                    {"ping_interval_ms", h.ping_interval_ms},
                    {"ping_timeout_ms", h.ping_timeout_ms},
                    {"max_payload", h.max_payload}}}};
    });
  }
  if (op == "error_body") {
    return twinsock::testing::same_for_every_split(input, [](const Chunks& chunks) {
      const auto e = twinsock::eio::parse_error_body(joined(chunks));
      if (!e) return json(nullptr);
      return json{{"code", e->code}, {"message", e->message}};
    });
  }
  if (op == "encode_packet") {
    const Packet p = packet_from(v.contains("packet") ? v["packet"] : json());
    const auto ws = twinsock::eio::encode_ws(p);
    json frame = {{"binary", ws.binary}};
    if (ws.binary) frame["hex"] = twinsock::testing::to_hex(ws.data);
    else frame["text"] = ws.text;
    return {{"text", twinsock::eio::encode_text(p)}, {"ws", frame}};
  }
  if (op == "encode_payload") return {{"payload", twinsock::eio::encode_payload(packets_from(v))}};
  if (op == "writable_count")
    return {{"count", twinsock::eio::writable_count(packets_from(v), num(v, "max_payload", 0))}};
  return {{"error", "unknown op " + op}};
}
