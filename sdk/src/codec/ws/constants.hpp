// RFC 6455 constants: opcodes, close codes and size limits of the framing layer.
#pragma once

#include <cstddef>
#include <cstdint>

namespace twinsock::ws {

/// Frame opcodes (RFC 6455 §5.2). 0x3-0x7 and 0xB-0xF are reserved.
enum class Opcode : std::uint8_t {
  continuation = 0x0,  // RFC 6455 §5.4
  text = 0x1,          // RFC 6455 §5.6
  binary = 0x2,        // RFC 6455 §5.6
  close = 0x8,         // RFC 6455 §5.5.1
  ping = 0x9,          // RFC 6455 §5.5.2
  pong = 0xA,          // RFC 6455 §5.5.3
};

/// Control opcodes have the high bit of the nibble set (RFC 6455 §5.5).
constexpr bool is_control(Opcode op) noexcept { return (static_cast<std::uint8_t>(op) & 0x8) != 0; }

/// True for the six opcodes RFC 6455 defines.
constexpr bool is_known_opcode(std::uint8_t op) noexcept {
  return op <= 0x2 || (op >= 0x8 && op <= 0xA);
}

/// Close status codes (RFC 6455 §7.4.1, IANA "WebSocket Close Code Number Registry").
namespace close_code {
inline constexpr std::uint16_t normal = 1000;               // RFC 6455 §7.4.1
inline constexpr std::uint16_t going_away = 1001;           // RFC 6455 §7.4.1
inline constexpr std::uint16_t protocol_error = 1002;       // RFC 6455 §7.4.1
inline constexpr std::uint16_t unsupported_data = 1003;     // RFC 6455 §7.4.1
inline constexpr std::uint16_t reserved = 1004;             // RFC 6455 §7.4.1: reserved, never on the wire
inline constexpr std::uint16_t no_status = 1005;            // RFC 6455 §7.4.1: "no status received", never on the wire
inline constexpr std::uint16_t abnormal = 1006;             // RFC 6455 §7.4.1: closed without a close frame, never on the wire
inline constexpr std::uint16_t invalid_payload = 1007;      // RFC 6455 §7.4.1: e.g. non-UTF-8 text
inline constexpr std::uint16_t policy_violation = 1008;     // RFC 6455 §7.4.1
inline constexpr std::uint16_t message_too_big = 1009;      // RFC 6455 §7.4.1
inline constexpr std::uint16_t mandatory_extension = 1010;  // RFC 6455 §7.4.1: sent by clients only
inline constexpr std::uint16_t internal_error = 1011;       // IANA registry (RFC 6455 errata)
inline constexpr std::uint16_t service_restart = 1012;      // IANA registry
inline constexpr std::uint16_t try_again_later = 1013;      // IANA registry
inline constexpr std::uint16_t bad_gateway = 1014;          // IANA registry
inline constexpr std::uint16_t tls_handshake = 1015;        // RFC 6455 §7.4.1: never on the wire
}  // namespace close_code

/// Whether a close code may appear in a close frame, sent or received (RFC 6455 §7.4):
/// 1000-1003 and 1007-1011, the IANA-registered 1012-1014 (as the `ws` library accepts),
/// and 3000-4999 (registered libraries / private use). 1004-1006, 1015, the unassigned
/// 1016-2999, anything below 1000 and 5000+ are invalid.
constexpr bool is_valid_close_code_on_wire(std::uint16_t code) noexcept {
  if (code >= 1000 && code <= 1014) return code < 1004 || code > 1006;
  return code >= 3000 && code <= 4999;
}

/// Payload limits of control frames (RFC 6455 §5.5): 125 bytes, of which a close
/// frame spends 2 on the status code.
inline constexpr std::size_t max_control_payload = 125;
inline constexpr std::size_t max_close_reason = max_control_payload - 2;

/// The largest frame header: 2 bytes + 8-byte length + 4-byte mask (RFC 6455 §5.2).
inline constexpr std::size_t max_header_size = 14;

}  // namespace twinsock::ws
