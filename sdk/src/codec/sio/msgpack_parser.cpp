#include "codec/sio/msgpack_parser.hpp"

#include <cmath>
#include <utility>

#include "codec/sio/msgpack_value.hpp"
#include "twinsock/error.hpp"

namespace twinsock::sio {
namespace {

using nlohmann::json;

std::error_code err(errc e) noexcept { return make_error_code(e); }

// JS Number.isInteger on a decoded number, as an unsigned value; false for negatives.
bool as_unsigned(const json& v, std::uint64_t& out) noexcept {
  if (v.is_number_unsigned()) {
    out = v.get<std::uint64_t>();
    return true;
  }
  if (v.is_number_float()) {
    const double d = v.get<double>();
    if (!(d >= 0) || d != std::floor(d) || d >= 18446744073709551616.0) return false;
    out = static_cast<std::uint64_t>(d);
    return true;
  }
  return false;
}

void put_key(bytes& out, std::string_view key) { msgpack::write(json(key), out); }

}  // namespace

bytes encode_msgpack(const Packet& packet) {
  PacketType type = packet.type;
  if (type == PacketType::binary_event) type = PacketType::event;
  if (type == PacketType::binary_ack) type = PacketType::ack;
  const bool has_data = packet.has_data();
  bytes out;
  out.push_back(static_cast<std::uint8_t>(0x80 | (2 + (has_data ? 1 : 0) + (packet.id ? 1 : 0))));  // fixmap
  put_key(out, "type");
  msgpack::write(json(static_cast<std::uint64_t>(type)), out);
  if (has_data) {
    put_key(out, "data");
    msgpack::write(packet.data, out);
  }
  put_key(out, "nsp");
  msgpack::write(json(packet.nsp.empty() ? std::string("/") : packet.nsp), out);
  if (packet.id) {
    put_key(out, "id");
    msgpack::write(json(*packet.id), out);
  }
  return out;
}

std::error_code decode_msgpack(bytes_view message, Packet& packet, const Limits& limits) {
  if (message.size() > limits.max_packet_bytes) return err(errc::msgpack_too_large);
  json value;
  msgpack::ReadLimits read_limits;
  read_limits.max_depth = limits.max_json_depth;
  read_limits.max_binaries = limits.max_attachments;
  if (auto ec = msgpack::read(message, value, read_limits)) return ec;
  if (!value.is_object()) return err(errc::msgpack_not_a_packet);
  auto& members = *value.get_ptr<json::object_t*>();

  Packet p;
  const auto type = members.find("type");
  std::uint64_t t = 0;
  if (type == members.end() || !as_unsigned(type->second, t) || t > 4) return err(errc::sio_bad_packet_type);
  p.type = static_cast<PacketType>(t);

  const auto nsp = members.find("nsp");
  if (nsp == members.end() || !nsp->second.is_string()) return err(errc::sio_bad_namespace);
  p.nsp = std::move(*nsp->second.get_ptr<json::string_t*>());

  // A nil "data" counts as none: python-socketio writes one into every packet
  // without a payload (its DISCONNECT, for one). check_payload still refuses it
  // where a payload is required.
  const auto data = members.find("data");
  if (data != members.end()) p.data = std::move(data->second);
  if (auto ec = check_payload(p.type, p.data)) return ec;

  const auto id = members.find("id");
  if (id != members.end()) {
    std::uint64_t n = 0;
    if (!as_unsigned(id->second, n) || n > limits.max_ack_id) return err(errc::sio_bad_ack_id);
    p.id = n;
  }
  packet = std::move(p);
  return {};
}

}  // namespace twinsock::sio
