// libFuzzer target for the Engine.IO codec: polling payload decode, single
// packet decode (text and binary frames), handshake and 400-body parsing.
// The selector picks the payload limits and the maxPayload used to split.
// Properties: never crashes; limits hold; what decodes re-encodes to the same packets.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "codec/eio/handshake.hpp"
#include "codec/eio/payload.hpp"
#include "fuzz/fuzz_support.hpp"
#include "twinsock/error.hpp"

namespace {

using twinsock::eio::Packet;

constexpr std::size_t kMaxBytes[] = {0, 16, 256, 1 << 20};
constexpr std::size_t kMaxPackets[] = {1, 3, 64, 100'000};

void check_payload(const std::string& body, const twinsock::eio::PayloadLimits& limits, std::size_t split_at) {
  std::vector<Packet> packets;
  const std::error_code ec = twinsock::eio::decode_payload(body, packets, limits);
  TWINSOCK_FUZZ_ASSERT(packets.size() <= limits.max_packets);
  if (body.size() > limits.max_payload_bytes) TWINSOCK_FUZZ_ASSERT(ec == twinsock::errc::eio_payload_too_large);
  if (ec == twinsock::errc::eio_payload_too_large || ec == twinsock::errc::eio_too_many_packets)
    TWINSOCK_FUZZ_ASSERT(packets.empty());
  for (const Packet& p : packets) TWINSOCK_FUZZ_ASSERT(!p.is_binary || p.type == twinsock::eio::PacketType::message);
  if (ec) return;
  TWINSOCK_FUZZ_ASSERT(!packets.empty());

  // Re-encoding gives a payload that decodes to the same packets (base64 may
  // be written differently: padding is optional on input).
  const std::string again = twinsock::eio::encode_payload(packets);
  TWINSOCK_FUZZ_ASSERT(again.size() == twinsock::eio::encoded_payload_size(packets));
  std::vector<Packet> back;
  TWINSOCK_FUZZ_ASSERT(!twinsock::eio::decode_payload(again, back, {.max_payload_bytes = SIZE_MAX, .max_packets = SIZE_MAX}));
  TWINSOCK_FUZZ_ASSERT(back == packets);

  // Splitting into POST bodies: each part fits unless it is a single packet.
  std::span<const Packet> rest(packets);
  std::size_t total = 0;
  while (!rest.empty()) {
    const std::size_t n = twinsock::eio::writable_count(rest, split_at);
    TWINSOCK_FUZZ_ASSERT(n >= 1 && n <= rest.size());
    if (split_at != 0 && n > 1) TWINSOCK_FUZZ_ASSERT(twinsock::eio::encoded_payload_size(rest.first(n)) <= split_at);
    total += n;
    rest = rest.subspan(n);
  }
  TWINSOCK_FUZZ_ASSERT(total == packets.size());
}

void check_packet(const std::string& text) {
  Packet p;
  const std::error_code ec = twinsock::eio::decode_text(text, p);
  if (text.empty()) TWINSOCK_FUZZ_ASSERT(ec == twinsock::errc::eio_empty_packet);
  if (ec) return;
  Packet back;
  TWINSOCK_FUZZ_ASSERT(!twinsock::eio::decode_text(twinsock::eio::encode_text(p), back));
  TWINSOCK_FUZZ_ASSERT(back == p);
  const auto ws = twinsock::eio::encode_ws(p);
  if (ws.binary) TWINSOCK_FUZZ_ASSERT(twinsock::eio::decode_binary(ws.data) == p);
}

void check_handshake(const std::string& text) {
  twinsock::eio::Handshake h;
  const auto ec = twinsock::eio::parse_handshake(text, h);
  if (ec) {
    TWINSOCK_FUZZ_ASSERT(ec == twinsock::errc::eio_bad_handshake);
    TWINSOCK_FUZZ_ASSERT(h == twinsock::eio::Handshake{});
    return;
  }
  TWINSOCK_FUZZ_ASSERT(!h.sid.empty());
  TWINSOCK_FUZZ_ASSERT(h.ping_interval_ms <= twinsock::eio::kMaxPingMs);
  TWINSOCK_FUZZ_ASSERT(h.ping_timeout_ms <= twinsock::eio::kMaxPingMs);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto input = twinsock::fuzz::make_chunked(data, size);
  std::string body;
  for (auto chunk : input.chunks) body += twinsock::as_text(chunk);  // payloads are whole HTTP bodies

  const twinsock::eio::PayloadLimits limits{.max_payload_bytes = kMaxBytes[input.selector & 3],
                                            .max_packets = kMaxPackets[(input.selector >> 2) & 3]};
  check_payload(body, limits, kMaxBytes[(input.selector >> 1) & 3]);
  check_packet(body);
  const Packet frame = twinsock::eio::decode_binary(twinsock::as_bytes(body));
  TWINSOCK_FUZZ_ASSERT(frame.is_binary && frame.binary.size() == body.size());

  check_handshake(body);
  if (!body.empty()) check_handshake(body.substr(1));  // as if after the '0'
  Packet open;
  if (!twinsock::eio::decode_text(body, open)) {
    twinsock::eio::Handshake h;
    (void)twinsock::eio::parse_handshake(open, h);
  }
  if (const auto e = twinsock::eio::parse_error_body(body)) (void)e->message.size();
  return 0;
}
