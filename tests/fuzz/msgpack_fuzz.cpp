// Fuzz target: socket.io-msgpack-parser packets and the MessagePack value
// reader. The chunks are joined into the one binary message a packet is
// (msgpack packets are never split across Engine.IO messages); selector bits
// tighten the limits. Properties: never crashes; a decoded packet respects the
// limits and the payload rules; encoding is idempotent on decoded packets and
// values (decode(encode(x)) encodes to the same bytes).
#include <cstddef>
#include <cstdint>

#include "codec/sio/binary.hpp"
#include "codec/sio/msgpack_parser.hpp"
#include "codec/sio/msgpack_value.hpp"
#include "fuzz/fuzz_support.hpp"

namespace {

using namespace twinsock;
using nlohmann::json;

std::size_t depth_of(const json& v) {
  std::size_t d = 0;
  if (v.is_array())
    for (const json& item : v) d = std::max(d, depth_of(item));
  if (v.is_object())
    for (const auto& [key, item] : *v.get_ptr<const json::object_t*>()) d = std::max(d, depth_of(item));
  return v.is_array() || v.is_object() ? d + 1 : 0;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const fuzz::Input input = fuzz::make_chunked(data, size);
  bytes message;
  for (bytes_view c : input.chunks) message.insert(message.end(), c.begin(), c.end());

  sio::Limits limits;
  limits.max_attachments = input.selector & 1 ? 1 : 16;
  limits.max_packet_bytes = input.selector & 2 ? 64 : 1 << 16;
  limits.max_json_depth = input.selector & 4 ? 3 : 32;
  if (input.selector & 8) limits.max_ack_id = 1000;

  sio::Packet p;
  if (!sio::decode_msgpack(message, p, limits)) {
    TWINSOCK_FUZZ_ASSERT(message.size() <= limits.max_packet_bytes);
    TWINSOCK_FUZZ_ASSERT(static_cast<int>(p.type) <= 4);
    TWINSOCK_FUZZ_ASSERT(!sio::check_payload(p.type, p.data));
    TWINSOCK_FUZZ_ASSERT(sio::count_binary(p.data) <= limits.max_attachments);
    TWINSOCK_FUZZ_ASSERT(depth_of(p.data) + 1 <= limits.max_json_depth);
    TWINSOCK_FUZZ_ASSERT(!p.id || *p.id <= limits.max_ack_id);
    sio::Limits open;
    open.max_attachments = SIZE_MAX;
    open.max_packet_bytes = SIZE_MAX;
    open.max_json_depth = 100000;
    open.max_ack_id = UINT64_MAX;
    const bytes e1 = sio::encode_msgpack(p);
    sio::Packet back;
    TWINSOCK_FUZZ_ASSERT(!sio::decode_msgpack(e1, back, open));
    TWINSOCK_FUZZ_ASSERT(sio::encode_msgpack(back) == e1);
  }

  sio::msgpack::ReadLimits value_limits;
  value_limits.max_depth = limits.max_json_depth;
  json v;
  if (!sio::msgpack::read(message, v, value_limits)) {
    TWINSOCK_FUZZ_ASSERT(depth_of(v) <= value_limits.max_depth);
    bytes e1;
    sio::msgpack::write(v, e1);
    json back;
    TWINSOCK_FUZZ_ASSERT(!sio::msgpack::read(e1, back, {100000}));
    bytes e2;
    sio::msgpack::write(back, e2);
    TWINSOCK_FUZZ_ASSERT(e1 == e2);
  }
  return 0;
}
