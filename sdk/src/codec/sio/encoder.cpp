#include "codec/sio/encoder.hpp"

#include <charconv>

#include "codec/sio/binary.hpp"
#include "codec/json/writer.hpp"

namespace twinsock::sio {
namespace {

void append_number(std::string& out, std::uint64_t n) {
  char num[24];
  const auto r = std::to_chars(num, num + sizeof num, n);
  out.append(num, r.ptr);
}

// <type>[<attachments>-][<nsp>,][<ack id>]
void write_header(std::string& out, PacketType type, std::optional<std::size_t> attachments, std::string_view nsp,
                  std::optional<std::uint64_t> id) {
  out += static_cast<char>('0' + static_cast<int>(type));
  if (attachments) {
    append_number(out, *attachments);
    out += '-';
  }
  if (!nsp.empty() && nsp != "/") {
    out += nsp;
    out += ',';
  }
  if (id) append_number(out, *id);
}

}  // namespace

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
  write_header(out.text, type, binary ? std::optional(out.attachments.size()) : std::nullopt, packet.nsp, packet.id);
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

  std::string text;
  text.reserve(nsp.size() + event.size() + args_json.size() + 24);
  write_header(text, PacketType::event, std::nullopt, nsp, id);
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
