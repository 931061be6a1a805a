// Golden-vector runner for Socket.IO v5 packets: the default (JSON) parser and
// the socket.io-msgpack-parser format.
//
// Values in vectors are JSON with three escapes: {"$bin": "hex"} is a
// json::binary_t, {"$float": "NaN"|"Infinity"|"-Infinity"} a non-finite double,
// {"$undefined": true} a discarded value (msgpack `undefined` at the top level).
// A packet is {"type": "event", "nsp"?: "/", "id"?: N, "data"?: value}.
// Engine.IO messages are strings (text) or {"bin": "hex"} (binary).
// Limits: {"max_attachments", "max_packet_bytes", "max_json_depth", "max_ack_id"}.
//
// Ops:
//  {"op": "encode", "packet"} -> [messages]  (encode(): header text then attachments)
//  {"op": "decode", "messages", "limits"?} -> {"packets": [...], "error"?: id, "pending"?: N}
//      messages are fed in order to one Decoder, stopping at the first error;
//      "pending" = attachments still awaited at the end. Engine.IO delivers whole
//      messages, so there is no byte stream to split at this layer.
//  {"op": "wire", "packet"} -> {"messages": encode(packet), "decoded": decode(those messages)}
//  {"op": "msgpack_encode", "packet"} -> hex
//  {"op": "msgpack_decode", "input_hex", "limits"?} -> packet | {"error": id}
//      (run through same_for_every_split; the chunks are joined into the one
//      binary message the decoder takes)
//  {"op": "msgpack_wire", "packet"} -> {"hex": ..., "decoded": packet}
//  {"op": "msgpack_value_decode", "input_hex", "max_depth"?} -> value | {"error": id}
//  {"op": "msgpack_value_encode", "value"} -> hex
//  {"op": "validate", "packet"} -> error id ("TWINSOCK_OK" when valid)
#include <cmath>
#include <limits>
#include <string>

#include "codec/sio/decoder.hpp"
#include "codec/sio/encoder.hpp"
#include "codec/sio/msgpack_parser.hpp"
#include "codec/sio/msgpack_value.hpp"
#include "support/chunking.hpp"
#include "support/hex.hpp"
#include "support/vector_registry.hpp"
#include "twinsock/error.hpp"

namespace {

using nlohmann::json;
using twinsock::bytes;
using twinsock::testing::Chunks;
using twinsock::testing::from_hex;
using twinsock::testing::to_hex;
namespace sio = twinsock::sio;

std::string str(const json& v, const char* key) {
  return v.is_object() && v.contains(key) && v[key].is_string() ? v[key].get<std::string>() : std::string();
}

bool has_u64(const json& v, const char* key) { return v.is_object() && v.contains(key) && v[key].is_number_unsigned(); }

json error(std::error_code ec) { return {{"error", std::string(twinsock::error_id(ec))}}; }

// Vector JSON -> value (the $-escapes above).
json from_vector(const json& v) {
  if (v.is_object()) {
    if (v.size() == 1 && v.contains("$bin") && v["$bin"].is_string())
      return json::binary(from_hex(v["$bin"].get<std::string>()).value_or(bytes{}));
    if (v.size() == 1 && v.contains("$float") && v["$float"].is_string()) {
      const std::string f = v["$float"].get<std::string>();
      if (f == "NaN") return std::numeric_limits<double>::quiet_NaN();
      return f == "-Infinity" ? -std::numeric_limits<double>::infinity() : std::numeric_limits<double>::infinity();
    }
    if (v.size() == 1 && v.contains("$undefined")) return json(json::value_t::discarded);
    json out = json::object();
    for (const auto& [key, item] : v.items()) out[key] = from_vector(item);
    return out;
  }
  if (v.is_array()) {
    json out = json::array();
    for (const json& item : v) out.push_back(from_vector(item));
    return out;
  }
  return v;
}

// Value -> vector JSON.
json to_vector(const json& v) {
  switch (v.type()) {
    case json::value_t::binary:
      return {{"$bin", to_hex(*v.get_ptr<const json::binary_t*>())}};
    case json::value_t::discarded:
      return {{"$undefined", true}};
    case json::value_t::number_float: {
      const double d = v.get<double>();
      if (std::isnan(d)) return {{"$float", "NaN"}};
      if (std::isinf(d)) return {{"$float", d < 0 ? "-Infinity" : "Infinity"}};
      return v;
    }
    case json::value_t::array: {
      json out = json::array();
      for (const json& item : v) out.push_back(to_vector(item));
      return out;
    }
    case json::value_t::object: {
      json out = json::object();
      for (const auto& [key, item] : v.items()) out[key] = to_vector(item);
      return out;
    }
    default:
      return v;
  }
}

sio::Packet packet_from(const json& v) {
  sio::Packet p;
  p.type = sio::packet_type_from_string(str(v, "type")).value_or(sio::PacketType::event);
  if (v.is_object() && v.contains("nsp") && v["nsp"].is_string()) p.nsp = v["nsp"].get<std::string>();
  if (has_u64(v, "id")) p.id = v["id"].get<std::uint64_t>();
  if (v.is_object() && v.contains("data")) p.data = from_vector(v["data"]);
  return p;
}

json render(const sio::Packet& p) {
  json out = {{"type", std::string(sio::to_string(p.type))}, {"nsp", p.nsp}};
  if (p.id) out["id"] = *p.id;
  if (p.has_data()) out["data"] = to_vector(p.data);
  return out;
}

sio::Limits limits_from(const json& v) {
  sio::Limits l;
  if (!v.is_object() || !v.contains("limits")) return l;
  const json& j = v["limits"];
  if (has_u64(j, "max_attachments")) l.max_attachments = j["max_attachments"].get<std::size_t>();
  if (has_u64(j, "max_packet_bytes")) l.max_packet_bytes = j["max_packet_bytes"].get<std::size_t>();
  if (has_u64(j, "max_json_depth")) l.max_json_depth = j["max_json_depth"].get<std::size_t>();
  if (has_u64(j, "max_ack_id")) l.max_ack_id = j["max_ack_id"].get<std::uint64_t>();
  return l;
}

json messages_of(const sio::EncodedPacket& e) {
  json out = json::array({e.text});
  for (const bytes& a : e.attachments) out.push_back({{"bin", to_hex(a)}});
  return out;
}

json decode_messages(const json& messages, const sio::Limits& limits) {
  sio::Decoder decoder(limits);
  json packets = json::array();
  json result = json::object();
  if (messages.is_array()) {
    for (const json& m : messages) {
      std::error_code ec;
      if (m.is_string()) {
        ec = decoder.add_text(m.get<std::string>());
      } else {
        const bytes b = from_hex(str(m, "bin")).value_or(bytes{});
        ec = decoder.add_binary(b);
      }
      while (auto p = decoder.next()) packets.push_back(render(*p));
      if (ec) {
        result["error"] = std::string(twinsock::error_id(ec));
        break;
      }
    }
  }
  result["packets"] = packets;
  if (decoder.awaiting_attachments())
    result["pending"] = decoder.attachments_expected() - decoder.attachments_received();
  return result;
}

json msgpack_decode(const json& v) {
  const bytes input = from_hex(str(v, "input_hex")).value_or(bytes{});
  const sio::Limits limits = limits_from(v);
  return twinsock::testing::same_for_every_split(input, [&](const Chunks& chunks) {
    bytes joined;
    for (auto c : chunks) joined.insert(joined.end(), c.begin(), c.end());
    sio::Packet p;
    if (auto ec = sio::decode_msgpack(joined, p, limits)) return error(ec);
    return render(p);
  });
}

json msgpack_value_decode(const json& v) {
  const bytes input = from_hex(str(v, "input_hex")).value_or(bytes{});
  sio::msgpack::ReadLimits limits;
  if (has_u64(v, "max_depth")) limits.max_depth = v["max_depth"].get<std::size_t>();
  return twinsock::testing::same_for_every_split(input, [&](const Chunks& chunks) {
    bytes joined;
    for (auto c : chunks) joined.insert(joined.end(), c.begin(), c.end());
    json value;
    if (auto ec = sio::msgpack::read(joined, value, limits)) return error(ec);
    return to_vector(value);
  });
}

}  // namespace

TWINSOCK_VECTOR_RUNNER(sio) {
  const std::string op = str(v, "op");
  const json packet = v.is_object() && v.contains("packet") ? v["packet"] : json::object();
  if (op == "encode") return messages_of(sio::encode(packet_from(packet)));
  if (op == "decode") return decode_messages(v.contains("messages") ? v["messages"] : json(), limits_from(v));
  if (op == "wire") {
    const json messages = messages_of(sio::encode(packet_from(packet)));
    const json decoded = decode_messages(messages, sio::Limits{});
    json result = {{"messages", messages}};
    if (decoded.contains("error")) {
      result["decoded"] = decoded;
    } else if (decoded["packets"].size() == 1) {
      result["decoded"] = decoded["packets"][0];
    } else {
      result["decoded"] = decoded;
    }
    return result;
  }
  if (op == "validate") return std::string(twinsock::error_id(sio::validate(packet_from(packet))));
  if (op == "msgpack_encode") return to_hex(sio::encode_msgpack(packet_from(packet)));
  if (op == "msgpack_decode") return msgpack_decode(v);
  if (op == "msgpack_wire") {
    const bytes encoded = sio::encode_msgpack(packet_from(packet));
    sio::Packet p;
    const auto ec = sio::decode_msgpack(encoded, p);
    return {{"hex", to_hex(encoded)}, {"decoded", ec ? error(ec) : render(p)}};
  }
  if (op == "msgpack_value_decode") return msgpack_value_decode(v);
  if (op == "msgpack_value_encode") {
    bytes out;
    sio::msgpack::write(from_vector(v.contains("value") ? v["value"] : json()), out);
    return to_hex(out);
  }
  return {{"error", "unknown op " + op}};
}
