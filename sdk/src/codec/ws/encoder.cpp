#include "codec/ws/encoder.hpp"

#include <algorithm>

#include "codec/ws/mask.hpp"
#include "twinsock/error.hpp"
#include "util/utf8.hpp"

namespace twinsock::ws {
namespace {

// Writes header + masked payload; the arguments are already validated.
void append_frame(bytes& out, std::uint8_t opcode, bytes_view payload, RandomSource& random, bool fin,
                  bool rsv1) {
  const std::uint64_t size = payload.size();
  const std::size_t start = out.size();
  out.resize(start + frame_header_size(size) + payload.size());
  std::uint8_t* p = out.data() + start;
  *p++ = static_cast<std::uint8_t>((fin ? 0x80 : 0) | (rsv1 ? 0x40 : 0) | opcode);
  // Payload length in the minimal form (§5.2), always with the MASK bit (§5.3).
  if (size < 126) {
    *p++ = static_cast<std::uint8_t>(0x80 | size);
  } else if (size <= 0xFFFF) {
    *p++ = 0x80 | 126;
    *p++ = static_cast<std::uint8_t>(size >> 8);
    *p++ = static_cast<std::uint8_t>(size);
  } else {
    *p++ = 0x80 | 127;
    for (int shift = 56; shift >= 0; shift -= 8) *p++ = static_cast<std::uint8_t>(size >> shift);
  }
  MaskKey key;
  random.fill(key);
  p = std::copy(key.begin(), key.end(), p);
  mask_copy(p, payload.data(), payload.size(), key);
}

std::error_code encode_control(bytes& out, Opcode opcode, bytes_view payload, RandomSource& random) {
  if (payload.size() > max_control_payload) return errc::ws_control_payload_too_long;
  append_frame(out, static_cast<std::uint8_t>(opcode), payload, random, true, false);
  return {};
}

}  // namespace

std::error_code encode_frame(bytes& out, Opcode opcode, bytes_view payload, RandomSource& random, bool fin,
                             bool rsv1) {
  const auto op = static_cast<std::uint8_t>(opcode);
  if (!is_known_opcode(op)) return errc::invalid_argument;
  if (is_control(opcode) && (!fin || payload.size() > max_control_payload)) return errc::invalid_argument;
  append_frame(out, op, payload, random, fin, rsv1);
  return {};
}

void encode_message(bytes& out, MessageType type, bytes_view payload, RandomSource& random,
                    const MessageOptions& options) {
  const std::size_t step = options.max_frame_payload == 0 ? payload.size() : options.max_frame_payload;
  std::uint8_t opcode = static_cast<std::uint8_t>(type);
  bool rsv1 = options.rsv1;  // RSV1 marks the first frame only (RFC 7692 §6.1)
  std::size_t at = 0;
  do {
    const std::size_t take = std::min(step, payload.size() - at);
    const bool fin = at + take == payload.size();
    append_frame(out, opcode, payload.subspan(at, take), random, fin, rsv1);
    at += take;
    opcode = static_cast<std::uint8_t>(Opcode::continuation);
    rsv1 = false;
  } while (at < payload.size());
}

std::error_code encode_ping(bytes& out, bytes_view payload, RandomSource& random) {
  return encode_control(out, Opcode::ping, payload, random);
}

std::error_code encode_pong(bytes& out, bytes_view payload, RandomSource& random) {
  return encode_control(out, Opcode::pong, payload, random);
}

std::error_code encode_close(bytes& out, std::optional<std::uint16_t> code, std::string_view reason,
                             RandomSource& random) {
  if (!code) {
    if (!reason.empty()) return errc::ws_close_code_not_sendable;  // a reason needs a code (§5.5.1)
    append_frame(out, static_cast<std::uint8_t>(Opcode::close), {}, random, true, false);
    return {};
  }
  if (!is_valid_close_code_on_wire(*code)) return errc::ws_close_code_not_sendable;
  if (reason.size() > max_close_reason) return errc::ws_close_reason_too_long;
  if (!utf8::is_valid(as_bytes(reason))) return errc::ws_close_reason_not_utf8;
  std::uint8_t body[max_control_payload];
  body[0] = static_cast<std::uint8_t>(*code >> 8);  // network byte order (§5.5.1)
  body[1] = static_cast<std::uint8_t>(*code);
  std::copy(reason.begin(), reason.end(), body + 2);
  append_frame(out, static_cast<std::uint8_t>(Opcode::close), bytes_view(body, 2 + reason.size()), random, true,
               false);
  return {};
}

}  // namespace twinsock::ws
