// Engine.IO v4 HTTP long-polling payloads (engine.io-protocol README "HTTP
// long-polling"): packets joined with the record separator 0x1e, binary packets
// as `b<base64>`. A payload is a whole HTTP body, so decoding is not incremental.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "codec/eio/packet.hpp"

namespace twinsock::eio {

inline constexpr char kRecordSeparator = '\x1e';

struct PayloadLimits {
  /// Largest body accepted, in bytes (errc::eio_payload_too_large).
  std::size_t max_payload_bytes = 16 * 1024 * 1024;
  /// Most packets in one body (errc::eio_too_many_packets).
  std::size_t max_packets = 100'000;
};

/// Joins the packets' text forms with 0x1e. A text packet whose data holds a
/// 0x1e byte cannot be framed (the protocol has no escape): avoid sending one.
std::string encode_payload(std::span<const Packet> packets);

/// Bytes encode_payload() would produce.
std::size_t encoded_payload_size(std::span<const Packet> packets) noexcept;

/// How many packets from the front of `queue` go into the next POST so that the
/// body stays within `max_payload` bytes (the handshake's maxPayload), as
/// engine.io-client's _getWritablePackets(), but with exact sizes: at least one
/// packet even if it alone is larger; all of them when max_payload is 0.
std::size_t writable_count(std::span<const Packet> queue, std::size_t max_payload) noexcept;

/// Splits a body into packets. The limits are checked before anything is
/// decoded. A bad record stops decoding, as in engine.io-parser: `out` then
/// holds the packets before it. Errors: eio_payload_too_large,
/// eio_too_many_packets, eio_empty_packet, eio_bad_packet_type, eio_bad_base64.
std::error_code decode_payload(std::string_view body, std::vector<Packet>& out, const PayloadLimits& limits = {});

}  // namespace twinsock::eio
