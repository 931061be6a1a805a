// Engine.IO v4 packets (engine.io-protocol README "Packet encoding").
//
// A text packet is `<type digit><data>`; a binary packet is always a `message`
// and travels as a raw WebSocket binary frame, or as `b<base64>` where only
// text can go (polling payloads).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>

#include "twinsock/bytes.hpp"

namespace twinsock::eio {

enum class PacketType : std::uint8_t {
  open = 0,     // server -> client, carries the handshake JSON
  close = 1,    // either side: close the transport
  ping = 2,     // server -> client heartbeat; client -> server only as `2probe`
  pong = 3,     // the answer to a ping
  message = 4,  // application data (text or binary)
  upgrade = 5,  // client -> server at the end of the WebSocket upgrade
  noop = 6,     // ends a pending poll during an upgrade
};

/// "open", "close", ... ("unknown" for values outside 0-6).
std::string_view to_string(PacketType type) noexcept;
/// The type a digit '0'-'6' names; nullopt for anything else.
std::optional<PacketType> packet_type_from_digit(char digit) noexcept;

struct Packet {
  PacketType type = PacketType::message;
  std::string data;        // the text after the type digit (when !is_binary)
  bytes binary;            // the payload of a binary message (when is_binary)
  bool is_binary = false;  // binary packets are always PacketType::message

  static Packet text(PacketType type, std::string data = {});
  static Packet binary_message(bytes data);

  friend bool operator==(const Packet&, const Packet&) = default;
};

/// Text form of one packet: `<digit><data>`, or `b<base64>` for a binary one
/// (the form used in polling payloads). For a WebSocket use encode_ws().
std::string encode_text(const Packet& packet);
/// Bytes encode_text() would produce, without building the string.
std::size_t encoded_text_size(const Packet& packet) noexcept;

/// One packet for one WebSocket message: text frame `<digit><data>`, or, for a
/// binary packet, a binary frame holding the raw payload (no type byte in v4).
struct WsMessage {
  bool binary = false;
  std::string text;  // when !binary
  bytes data;        // when binary
};
WsMessage encode_ws(const Packet& packet);

/// Decodes a text packet: a WebSocket text frame, or one record of a polling
/// payload. `b<base64>` decodes to a binary message, as engine.io-parser does.
/// Errors: eio_empty_packet, eio_bad_packet_type, eio_bad_base64.
std::error_code decode_text(std::string_view text, Packet& out);

/// Decodes a WebSocket binary frame: always a binary message, never fails.
Packet decode_binary(bytes_view frame);

}  // namespace twinsock::eio
