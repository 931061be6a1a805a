#include "codec/eio/packet.hpp"

#include "twinsock/error.hpp"
#include "util/base64.hpp"

namespace twinsock::eio {

std::string_view to_string(PacketType type) noexcept {
  switch (type) {
    case PacketType::open: return "open";
    case PacketType::close: return "close";
    case PacketType::ping: return "ping";
    case PacketType::pong: return "pong";
    case PacketType::message: return "message";
    case PacketType::upgrade: return "upgrade";
    case PacketType::noop: return "noop";
  }
  return "unknown";
}

std::optional<PacketType> packet_type_from_digit(char digit) noexcept {
  if (digit < '0' || digit > '6') return std::nullopt;
  return static_cast<PacketType>(digit - '0');
}

Packet Packet::text(PacketType type, std::string data) {
  Packet p;
  p.type = type;
  p.data = std::move(data);
  return p;
}

Packet Packet::binary_message(bytes data) {
  Packet p;
  p.type = PacketType::message;
  p.binary = std::move(data);
  p.is_binary = true;
  return p;
}

namespace {

char type_digit(PacketType type) noexcept { return static_cast<char>('0' + static_cast<int>(type)); }

}  // namespace

std::string encode_text(const Packet& packet) {
  if (packet.is_binary) return "b" + base64::encode(packet.binary);  // v4: always base64, no type
  std::string out;
  out.reserve(1 + packet.data.size());
  out += type_digit(packet.type);
  out += packet.data;
  return out;
}

std::size_t encoded_text_size(const Packet& packet) noexcept {
  if (packet.is_binary) return 1 + (packet.binary.size() + 2) / 3 * 4;
  return 1 + packet.data.size();
}

WsMessage encode_ws(const Packet& packet) {
  WsMessage m;
  if (packet.is_binary) {  // v4: the raw payload, no 0x04 prefix (that was v3)
    m.binary = true;
    m.data = packet.binary;
  } else {
    m.text = encode_text(packet);
  }
  return m;
}

std::error_code decode_text(std::string_view text, Packet& out) {
  out = Packet{};
  if (text.empty()) return errc::eio_empty_packet;
  if (text[0] == 'b') {
    out.is_binary = true;
    if (!base64::decode(text.substr(1), out.binary)) {
      out.binary.clear();
      return errc::eio_bad_base64;
    }
    return {};
  }
  const auto type = packet_type_from_digit(text[0]);
  if (!type) return errc::eio_bad_packet_type;
  out.type = *type;
  out.data.assign(text.substr(1));
  return {};
}

Packet decode_binary(bytes_view frame) { return Packet::binary_message(bytes(frame.begin(), frame.end())); }

}  // namespace twinsock::eio
