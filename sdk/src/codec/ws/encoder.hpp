// Client-side frame encoder (RFC 6455 §5.2, §5.3). Every frame is masked with a
// fresh key from the injected RandomSource, so tests can pin the key and
// production uses the CSPRNG (§10.3: keys must be unpredictable).
//
// All functions append to a caller-owned buffer (no intermediate copies: the
// payload is masked while it is copied in). On error nothing is appended.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <system_error>

#include "codec/ws/constants.hpp"
#include "twinsock/bytes.hpp"
#include "twinsock/ws/message_type.hpp"
#include "util/random.hpp"

namespace twinsock::ws {

// MessageType (text = 0x1, binary = 0x2) is shared with the public client API.

struct MessageOptions {
  /// Largest payload per frame; longer messages are split into a first frame and
  /// continuation frames, FIN on the last (§5.4). 0 means never fragment.
  std::size_t max_frame_payload = 0;
  /// Sets RSV1 on the first frame: the payload is already compressed with
  /// permessage-deflate (RFC 7692 §6). Only when that extension was negotiated.
  bool rsv1 = false;
};

/// Size of the header (length forms of §5.2 plus the 4-byte mask) for a client frame.
constexpr std::size_t frame_header_size(std::uint64_t payload_size) noexcept {
  return 2 + (payload_size < 126 ? 0 : payload_size <= 0xFFFF ? 2 : 8) + 4;
}

/// Appends one masked frame. Errors (errc::invalid_argument): unknown opcode, a
/// control frame that is fragmented or has more than 125 bytes (§5.5). The caller
/// keeps fragmentation and RSV1 consistent; prefer the message functions below.
std::error_code encode_frame(bytes& out, Opcode opcode, bytes_view payload, RandomSource& random,
                             bool fin = true, bool rsv1 = false);

/// Appends a whole text or binary message, fragmented per `options`. Text is sent
/// as given: the caller guarantees it is UTF-8 (or compressed, with rsv1).
void encode_message(bytes& out, MessageType type, bytes_view payload, RandomSource& random,
                    const MessageOptions& options = {});

/// Ping / pong with at most 125 bytes of application data (§5.5.2, §5.5.3);
/// errc::ws_control_payload_too_long otherwise.
std::error_code encode_ping(bytes& out, bytes_view payload, RandomSource& random);
std::error_code encode_pong(bytes& out, bytes_view payload, RandomSource& random);

/// Close frame (§5.5.1): no code gives an empty body (then the reason must be
/// empty); otherwise a code valid on the wire (is_valid_close_code_on_wire) and a
/// UTF-8 reason of at most 123 bytes. Errors: ws_close_code_not_sendable,
/// ws_close_reason_too_long, ws_close_reason_not_utf8.
std::error_code encode_close(bytes& out, std::optional<std::uint16_t> code, std::string_view reason,
                             RandomSource& random);

}  // namespace twinsock::ws
