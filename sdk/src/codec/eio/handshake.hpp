// The Engine.IO v4 open packet and the reference server's HTTP 400 body
// (engine.io-protocol README "Handshake" and "URL").
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "codec/eio/packet.hpp"

namespace twinsock::eio {

/// `0{"sid":...,"upgrades":[...],"pingInterval":N,"pingTimeout":N,"maxPayload":N}`
struct Handshake {
  std::string sid;                    // non-empty
  std::vector<std::string> upgrades;  // e.g. {"websocket"} while on polling
  std::uint32_t ping_interval_ms = 0;
  std::uint32_t ping_timeout_ms = 0;
  std::uint64_t max_payload = 1'000'000;  // absent: the server default maxHttpBufferSize; 0 = no limit
  friend bool operator==(const Handshake&, const Handshake&) = default;
};

/// Largest pingInterval / pingTimeout accepted: the longest delay a JS timer
/// takes (2^31 - 1 ms, about 24.8 days); it also keeps their sum in 32 bits.
inline constexpr std::uint32_t kMaxPingMs = 0x7fffffff;

/// Parses the JSON after the '0'. Every field is checked for presence and type
/// (sid a non-empty string, upgrades an array of strings, the ping values
/// positive numbers, cut to whole ms and to kMaxPingMs, maxPayload absent, null
/// (no limit) or a non-negative number); unknown fields are ignored. Anything
/// else: errc::eio_bad_handshake.
std::error_code parse_handshake(std::string_view json, Handshake& out);

/// Same, from a decoded packet: it must be a text `open` packet.
std::error_code parse_handshake(const Packet& open, Handshake& out);

/// The reference server's 400 body: {"code":0..5,"message":"Transport unknown"}.
struct ServerError {
  std::int64_t code = 0;
  std::string message;  // "" when absent
  friend bool operator==(const ServerError&, const ServerError&) = default;
};

/// Known values of ServerError::code.
enum class ServerErrorCode : std::int64_t {
  transport_unknown = 0,
  session_id_unknown = 1,
  bad_handshake_method = 2,
  bad_request = 3,
  forbidden = 4,
  unsupported_protocol_version = 5,
};

/// nullopt unless the body is a JSON object with an integer "code" (and a
/// string "message" if it has one).
std::optional<ServerError> parse_error_body(std::string_view body);

}  // namespace twinsock::eio
