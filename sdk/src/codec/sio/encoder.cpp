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

  // With attachments their count leads the header, so the payload is written
  // first; without, straight after the header.
  std::string payload;
  if (binary && packet.has_data()) write_json(packet.data, payload, &out.attachments);

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
  if (binary) out.text += payload;
  else if (packet.has_data()) write_json(packet.data, out.text);
  return out;
}

std::string encode_event(std::string_view nsp, std::optional<std::uint64_t> id, std::string_view event,
                         std::string_view args_json) {
  constexpr std::string_view kSpace = " \t\n\r";
  const std::size_t first = args_json.find_first_not_of(kSpace);
  const std::size_t last = args_json.find_last_not_of(kSpace);
  // Between the brackets: the arguments, if any.
  std::string_view inner = first < last ? args_json.substr(first + 1, last - first - 1) : std::string_view();
  const bool has_args = inner.find_first_not_of(kSpace) != std::string_view::npos;

  std::string text(1, static_cast<char>('0' + static_cast<int>(PacketType::event)));
  text.reserve(nsp.size() + event.size() + args_json.size() + 24);
  if (!nsp.empty() && nsp != "/") {
    text += nsp;
    text += ',';
  }
  if (id) {
    char num[24];
    const auto r = std::to_chars(num, num + sizeof num, *id);
    text.append(num, r.ptr);
  }
  text += '[';
  write_json_string(event, text);
  if (has_args) {
    text += ',';
    text += inner;
  }
  text += ']';
  return text;
}

}  // namespace twinsock::sio
