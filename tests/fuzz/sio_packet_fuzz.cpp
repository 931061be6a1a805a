// Fuzz target: Socket.IO v5 decoder (JSON parser) over a sequence of Engine.IO
// messages. With one chunk (selector low nibble 0) the data is cut into
// messages at 0x1e (the polling record separator); otherwise each chunk is a
// message. A message starting with 'b' is binary (the rest, raw), else text.
// Selector bits tighten the limits. Properties: never crashes; never waits for
// more attachments than max_attachments; delivered packets pass the payload
// rules, carry at most max_packet_bytes of binary, and re-encode to a packet
// that decodes to the same thing (encode is idempotent on decoded packets).
// keep_text is on (it changes nothing else): a packet's arguments text is JSON
// that reads as its arguments (an event's without its name).
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "codec/json/parser.hpp"
#include "codec/sio/binary.hpp"
#include "codec/sio/decoder.hpp"
#include "codec/sio/encoder.hpp"
#include "fuzz/fuzz_support.hpp"

namespace {

using namespace twinsock;
using nlohmann::json;

std::size_t binary_bytes(const json& v) {
  if (v.is_binary()) return v.get_ptr<const json::binary_t*>()->size();
  std::size_t n = 0;
  if (v.is_array())
    for (const json& item : v) n += binary_bytes(item);
  if (v.is_object())
    for (const auto& [key, item] : *v.get_ptr<const json::object_t*>()) n += binary_bytes(item);
  return n;
}

sio::EncodedPacket reencode(const sio::Packet& p, sio::Packet* decoded) {
  const sio::EncodedPacket e = sio::encode(p);
  sio::Limits open;
  open.max_attachments = SIZE_MAX;
  open.max_packet_bytes = SIZE_MAX;
  open.max_json_depth = 100000;
  open.max_ack_id = UINT64_MAX;
  sio::Decoder d(open);
  TWINSOCK_FUZZ_ASSERT(!d.add_text(e.text));
  for (const bytes& a : e.attachments) TWINSOCK_FUZZ_ASSERT(!d.add_binary(a));
  auto back = d.next();
  TWINSOCK_FUZZ_ASSERT(back.has_value());
  TWINSOCK_FUZZ_ASSERT(!d.next() && !d.awaiting_attachments());
  *decoded = std::move(*back);
  return e;
}

void check(const sio::Packet& p, const sio::Limits& limits) {
  TWINSOCK_FUZZ_ASSERT(p.type != sio::PacketType::binary_event && p.type != sio::PacketType::binary_ack);
  TWINSOCK_FUZZ_ASSERT(!sio::check_payload(p.type, p.data));
  TWINSOCK_FUZZ_ASSERT(!p.nsp.empty() && p.nsp.front() == '/');
  TWINSOCK_FUZZ_ASSERT(!p.id || *p.id <= limits.max_ack_id);
  TWINSOCK_FUZZ_ASSERT(binary_bytes(p.data) <= limits.max_packet_bytes);
  sio::Packet once, twice;
  const sio::EncodedPacket e1 = reencode(p, &once);
  TWINSOCK_FUZZ_ASSERT(once == p);
  const sio::EncodedPacket e2 = reencode(once, &twice);
  TWINSOCK_FUZZ_ASSERT(e1.text == e2.text && e1.attachments == e2.attachments);
  if (!p.text.empty()) {
    TWINSOCK_FUZZ_ASSERT(p.type == sio::PacketType::event || p.type == sio::PacketType::ack);
    json args;
    TWINSOCK_FUZZ_ASSERT(parse_json(p.text, args, 100000) == JsonParseError::none);
    json expected = p.data;
    if (p.type == sio::PacketType::event) expected.erase(expected.begin());
    TWINSOCK_FUZZ_ASSERT(args == expected);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const fuzz::Input input = fuzz::make_chunked(data, size);
  sio::Limits limits;
  limits.max_attachments = input.selector & 1 ? 2 : 16;
  limits.max_packet_bytes = input.selector & 2 ? 96 : 4096;
  limits.max_json_depth = input.selector & 4 ? 3 : 32;
  if (input.selector & 8) limits.max_ack_id = 1000;
  limits.keep_text = true;

  std::vector<bytes_view> messages;
  if (input.chunks.size() == 1) {
    const bytes_view all = input.chunks[0];
    std::size_t start = 0;
    for (std::size_t i = 0; i <= all.size(); ++i) {
      if (i == all.size() || all[i] == 0x1e) {
        messages.push_back(all.subspan(start, i - start));
        start = i + 1;
      }
    }
  } else {
    messages = input.chunks;
  }

  sio::Decoder decoder(limits);
  for (bytes_view m : messages) {
    std::error_code ec;
    if (!m.empty() && m[0] == 'b') {
      ec = decoder.add_binary(m.subspan(1));
    } else {
      ec = decoder.add_text(as_text(m));
    }
    TWINSOCK_FUZZ_ASSERT(decoder.attachments_expected() <= limits.max_attachments);
    TWINSOCK_FUZZ_ASSERT(decoder.attachments_received() <= decoder.attachments_expected());
    while (auto p = decoder.next()) check(*p, limits);
    if (ec) {
      TWINSOCK_FUZZ_ASSERT(decoder.failed() && decoder.error() == ec);
      TWINSOCK_FUZZ_ASSERT(decoder.add_text("2[\"x\"]") == ec);
      break;
    }
  }
  return 0;
}
