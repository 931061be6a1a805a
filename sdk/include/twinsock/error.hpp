// twinsock error model: one std::error_code category for every failure.
//
// Each code has a stable string id (never renumbered, documented for users),
// a human message, the condition it rolls up to, and the WebSocket close code
// it causes when it is a protocol violation (RFC 6455 §7.4.1).
// The codes themselves live in errors/*.def, one file per protocol area.
#pragma once

#include <cstdint>
#include <string_view>
#include <system_error>

namespace twinsock {

/// Fine-grained error codes. The numeric values are an implementation detail:
/// persist or compare the stable id (`error_id()`), not the number.
enum class errc : int {
  ok = 0,
#define TWINSOCK_ERROR(name, id, condition, close_code, message) name,
#include "twinsock/errors/general.def"
#include "twinsock/errors/url.def"
#include "twinsock/errors/http.def"
#include "twinsock/errors/ws.def"
#include "twinsock/errors/sse.def"
#include "twinsock/errors/eio.def"
#include "twinsock/errors/sio.def"
#include "twinsock/errors/msgpack.def"
#include "twinsock/errors/net.def"
#include "twinsock/errors/client.def"
#undef TWINSOCK_ERROR
};

/// Coarse conditions that codes roll up to (compare with `ec == condition::timeout`).
enum class condition : int {
  ok = 0,
  invalid_argument = 1,    // local misuse: bad option, bad URL, bad value
  protocol_violation = 2,  // the peer broke the protocol
  handshake_failed = 3,    // HTTP / WebSocket / Engine.IO / Socket.IO handshake refused
  limit_exceeded = 4,      // a configured limit was hit
  transport = 5,           // DNS, TCP, TLS, I/O
  timeout = 6,
  closed_by_peer = 7,
  closed_by_user = 8,
};

const std::error_category& error_category() noexcept;
const std::error_category& condition_category() noexcept;

std::error_code make_error_code(errc e) noexcept;
std::error_condition make_error_condition(condition c) noexcept;

/// Stable id such as "TWINSOCK_ERR_WS_BAD_OPCODE"; "TWINSOCK_OK" for no error;
/// for codes of other categories, "SYSTEM_<number>" style ids.
std::string_view error_id(errc e) noexcept;
std::string_view error_id(const std::error_code& ec) noexcept;

/// The WebSocket close code a protocol error causes (1002, 1007, 1009, ...),
/// or 0 when the code has no wire mapping.
std::uint16_t close_code_for(errc e) noexcept;
std::uint16_t close_code_for(const std::error_code& ec) noexcept;

/// Finds a code by its stable id; errc::ok when unknown.
errc errc_from_id(std::string_view id) noexcept;

}  // namespace twinsock

namespace std {
template <>
struct is_error_code_enum<twinsock::errc> : true_type {};
template <>
struct is_error_condition_enum<twinsock::condition> : true_type {};
}  // namespace std
