// Socket.IO v5 packets (socket.io-protocol Readme, "Packet format") and the
// payload rules every parser applies to them.
//
// Value model: the payload is an nlohmann::json. Binary values (Buffers in JS)
// are json::binary_t anywhere in the tree. An absent payload is a null `data`:
// no valid packet can carry a JSON `null` payload (the reference encoder drops
// null data, `if (null != obj.data)`, and its decoder rejects a null payload for
// every type), so null <-> absent loses nothing. `has_data()` says which.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>

#include <nlohmann/json.hpp>

namespace twinsock::sio {

enum class PacketType : std::uint8_t {
  connect = 0,
  disconnect = 1,
  event = 2,
  ack = 3,
  connect_error = 4,
  binary_event = 5,
  binary_ack = 6,  // added in protocol v4
};

struct Packet {
  PacketType type = PacketType::event;
  std::string nsp = "/";
  std::optional<std::uint64_t> id;  // acknowledgement id
  nlohmann::json data;              // null = no payload (see the header comment)
  /// The arguments' JSON text as it came, "[arg...]": an EVENT's payload without the
  /// event name, an ACK's payload (the text parser, no attachments), so that it can be
  /// passed on unparsed, its object keys in their order; else empty. Not part of the
  /// packet's value (==).
  std::string text;

  bool has_data() const noexcept { return !data.is_null() && !data.is_discarded(); }
  friend bool operator==(const Packet& a, const Packet& b) {
    return a.type == b.type && a.nsp == b.nsp && a.id == b.id && a.data == b.data;
  }
};

/// Decoder limits. Defaults follow the reference: socket.io-parser 4.2.7
/// (maxAttachments = 10) and the server's maxHttpBufferSize = 1e6.
struct Limits {
  /// Binary attachments announced by one packet (`<n>-`); msgpack: bin values per packet.
  std::size_t max_attachments = 10;
  /// Header text plus all of its attachments; msgpack: the encoded packet.
  std::size_t max_packet_bytes = 1'000'000;
  /// Nesting of arrays/objects in the payload (the msgpack packet map counts as 1).
  std::size_t max_json_depth = 64;
  /// Largest ack id; the default is Number.MAX_SAFE_INTEGER, the largest id a JS peer keeps exact.
  std::uint64_t max_ack_id = 9'007'199'254'740'991ull;
  /// Not a limit: also fill Packet::text (the text parser).
  bool keep_text = false;
};

/// "connect", "binary_ack", ...
std::string_view to_string(PacketType type) noexcept;
/// Inverse of to_string(); nullopt when unknown.
std::optional<PacketType> packet_type_from_string(std::string_view name) noexcept;

/// Event names the reference parser refuses in an EVENT (socket.io-parser RESERVED_EVENTS).
bool is_reserved_event(std::string_view name) noexcept;

/// The payload rules of socket.io-parser 4.2 (`isPayloadValid`), applied by both
/// parsers (payload still holding placeholders for the JSON parser):
///  CONNECT: absent or object;  DISCONNECT: absent;
///  CONNECT_ERROR: object, or a string (what v4-era servers and the reference still accept);
///  EVENT / BINARY_EVENT: array whose first element is a number or a non-reserved string;
///  ACK / BINARY_ACK: array (may be empty).
/// Stricter than the reference in one point: EVENT, ACK and CONNECT_ERROR need a
/// payload (the reference skips the check when there is none, then its socket
/// reads `packet.data.message` or uses `[]`). Error: sio_bad_payload.
std::error_code check_payload(PacketType type, const nlohmann::json& data) noexcept;

/// A namespace the text encoding can carry: empty or "/" (main namespace), or
/// "/..." without ',' (the decoder ends the namespace at the first ',') and in UTF-8.
bool is_valid_namespace(std::string_view nsp) noexcept;

/// Checks a packet before sending it: namespace (sio_bad_namespace), ack id
/// (sio_bad_ack_id, above Number.MAX_SAFE_INTEGER), payload (sio_bad_payload;
/// binary values are allowed only where the wire can carry them: EVENT, ACK
/// and their binary types). encode() does not call it: it encodes whatever it gets.
std::error_code validate(const Packet& packet) noexcept;

}  // namespace twinsock::sio
