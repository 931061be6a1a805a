// Fuzz target for the client-side WebSocket frame decoder (RFC 6455 §5).
// Selector bits: 1 = allow_rsv1 (permessage-deflate negotiated), 2 = small
// max_message_size (100 bytes) and max_fragments (4), 4 = feed twice before draining (the decoder must
// keep the undrained rest), 8 = instead round-trip the data through the
// encoder (fragmented, masked), the unmasker and the decoder.
// Properties: never crashes; no message exceeds max_message_size; control
// payloads <= 125 bytes; uncompressed text is valid UTF-8; nothing follows an
// error; only an error follows a close; errors map to a close code.
#include <cstdint>
#include <cstring>

#include "codec/ws/decoder.hpp"
#include "codec/ws/encoder.hpp"
#include "fuzz/fuzz_support.hpp"
#include "twinsock/error.hpp"
#include "unit/ws/ws_test_support.hpp"
#include "util/utf8.hpp"

namespace {

using namespace twinsock;

void round_trip(bytes_view data, bool rsv1) {
  if (data.empty()) return;
  ws::test::FixedRandom random(bytes{data[0], 0x5a, 0xa5, 0x00});
  const std::size_t max_frame = data[0] % 17;  // 0: not fragmented
  bytes client;
  ws::encode_message(client, ws::MessageType::binary, data, random, {.max_frame_payload = max_frame, .rsv1 = rsv1});
  TWINSOCK_FUZZ_ASSERT(!ws::encode_ping(client, data.first(std::min<std::size_t>(data.size(), 125)), random));
  const bytes server = ws::test::unmask_frames(client);
  ws::Decoder decoder({.allow_rsv1 = rsv1});
  decoder.feed(server);
  auto message = decoder.next();
  TWINSOCK_FUZZ_ASSERT(message && message->type == ws::EventType::binary && message->compressed == rsv1);
  TWINSOCK_FUZZ_ASSERT(message->payload.size() == data.size());
  TWINSOCK_FUZZ_ASSERT(std::memcmp(message->payload.data(), data.data(), data.size()) == 0);
  auto ping = decoder.next();
  TWINSOCK_FUZZ_ASSERT(ping && ping->type == ws::EventType::ping);
  TWINSOCK_FUZZ_ASSERT(!decoder.next() && decoder.idle());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const fuzz::Input input = fuzz::make_chunked(data, size);
  ws::DecoderConfig config;
  config.allow_rsv1 = (input.selector & 1) != 0;
  if (input.selector & 2) {
    config.max_message_size = 100;
    config.max_fragments = 4;
  }
  if (input.selector & 8) {
    if (size > 1) round_trip(bytes_view(data + 1, size - 1), config.allow_rsv1);
    return 0;
  }
  ws::Decoder decoder(config);
  bool errored = false, closed = false;
  const bool lazy = (input.selector & 4) != 0;  // drain after every other chunk (spill path)
  for (std::size_t i = 0; i < input.chunks.size(); ++i) {
    decoder.feed(input.chunks[i]);
    if (lazy && i % 2 == 0 && i + 1 < input.chunks.size()) continue;
    while (auto e = decoder.next()) {
      TWINSOCK_FUZZ_ASSERT(!errored);
      TWINSOCK_FUZZ_ASSERT(!closed || e->type == ws::EventType::error);
      switch (e->type) {
        case ws::EventType::text:
        case ws::EventType::binary:
          TWINSOCK_FUZZ_ASSERT(e->payload.size() <= config.max_message_size);
          TWINSOCK_FUZZ_ASSERT(!e->compressed || config.allow_rsv1);
          if (e->type == ws::EventType::text && !e->compressed) TWINSOCK_FUZZ_ASSERT(utf8::is_valid(e->payload));
          break;
        case ws::EventType::ping:
        case ws::EventType::pong:
          TWINSOCK_FUZZ_ASSERT(e->payload.size() <= ws::max_control_payload);
          break;
        case ws::EventType::close:
          closed = true;
          TWINSOCK_FUZZ_ASSERT(decoder.close_received());
          TWINSOCK_FUZZ_ASSERT(e->payload.size() <= ws::max_close_reason && utf8::is_valid(e->payload));
          TWINSOCK_FUZZ_ASSERT(!e->close_code ? e->payload.empty() : ws::is_valid_close_code_on_wire(*e->close_code));
          break;
        case ws::EventType::error:
          errored = true;
          TWINSOCK_FUZZ_ASSERT(decoder.failed() && decoder.error() == e->error);
          TWINSOCK_FUZZ_ASSERT(close_code_for(e->error) != 0);
          TWINSOCK_FUZZ_ASSERT(!closed || e->error == errc::ws_frame_after_close);
          break;
      }
    }
  }
  return 0;
}
