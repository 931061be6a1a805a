#include "codec/sio/encoder.hpp"

#include <charconv>

#include "codec/sio/binary.hpp"
#include "codec/json/writer.hpp"

namespace twinsock::sio {

EncodedPacket encode(const Packet& packet) {
  EncodedPacket out;
  PacketType type = packet.type;
  const bool event = type == PacketType::event || type == PacketType::binary_event;
  const bool ack = type == PacketType::ack || type == PacketType::binary_ack;
  if (event || ack) {
    if (has_binary(packet.data)) {
      type = event ? PacketType::binary_event : PacketType::binary_ack;
    } else {
      type = event ? PacketType::event : PacketType::ack;
    }
  }
  const bool binary = type == PacketType::binary_event || type == PacketType::binary_ack;

  std::string payload;
  if (packet.has_data()) write_json(packet.data, payload, binary ? &out.attachments : nullptr);

  char num[24];
  out.text += static_cast<char>('0' + static_cast<int>(type));
  if (binary) {
    const auto r = std::to_chars(num, num + sizeof num, out.attachments.size());
    out.text.append(num, r.ptr);
    out.text += '-';
  }
  if (!packet.nsp.empty() && packet.nsp != "/") {
    out.text += packet.nsp;
    out.text += ',';
  }
  if (packet.id) {
    const auto r = std::to_chars(num, num + sizeof num, *packet.id);
    out.text.append(num, r.ptr);
  }
  out.text += payload;
  return out;
}

}  // namespace twinsock::sio
