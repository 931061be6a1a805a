// Socket.IO v5 decoder, default (JSON) parser: the socket.io-parser Decoder,
// fed one Engine.IO message at a time (Engine.IO delivers whole messages, so
// there is no byte-level splitting at this layer).
//
// Pull API: add_text() / add_binary() for each Engine.IO message payload, then
// next() until it returns std::nullopt (at most one packet completes per call).
//
// A text message is parsed as `<type>[<n>-][<nsp>,][<id>][<json>]`:
//  - type: one digit '0'..'6' (sio_bad_packet_type); an empty message is
//    sio_empty_packet (the reference reads "" as CONNECT via Number("") === 0);
//  - BINARY_EVENT / BINARY_ACK: one or more ASCII digits then '-'
//    (sio_bad_attachment_count; the reference's `buf != Number(buf)` also takes
//    " 1" or "1.0"); more than Limits::max_attachments is sio_too_many_attachments;
//    0 is accepted (socket.io-parser 4.2.7 refuses it, older versions took it;
//    no reference encoder writes it);
//  - namespace: from a '/' right after that, up to the first ',' or the end of
//    the message; it must be UTF-8 (sio_bad_namespace); otherwise "/";
//  - ack id: the digits that follow; more than Limits::max_ack_id (or 2^64) is sio_bad_ack_id
//    (the reference also takes a space for a digit, Number(" ") == " ", so it reads
//    `2 ["a"]` as ack id 0; here the space is JSON whitespace);
//  - payload: the rest, as JSON (sio_bad_json; nesting beyond Limits::max_json_depth
//    is json_too_deep, found while reading), which must pass check_payload().
//    The reader (codec/json/parser.hpp) differs from JSON.parse in refusing lone
//    surrogate escapes ("\ud800").
// The message itself may be at most Limits::max_packet_bytes (sio_packet_too_large).
//
// Binary packets: placeholders are checked against the announced count when the
// header arrives (sio_bad_placeholder), then the decoder waits for that many
// binary messages. A text message meanwhile is sio_unexpected_text; a binary
// message with nothing announced is sio_unexpected_attachment; header plus
// attachments over max_packet_bytes is sio_packet_too_large. When the last one
// arrives the placeholders are replaced by json::binary_t values; since a
// placeholder may be repeated and each one gets a copy, header plus rebuilt
// binary must also fit max_packet_bytes (sio_packet_too_large). As in the
// reference, the completed packet is reported as EVENT / ACK (binary is in the
// data). A count of 0 completes at once.
//
// Errors: the first error is returned by the call that hit it; the decoder is
// then failed for good (every later add_* returns the same error, packets not
// yet taken are still returned by next()) until reset(). The reference throws
// and its caller closes the connection.
#pragma once

#include <cstddef>
#include <deque>
#include <optional>
#include <string_view>
#include <system_error>
#include <vector>

#include "codec/sio/packet.hpp"
#include "twinsock/bytes.hpp"

namespace twinsock::sio {

class Decoder {
 public:
  explicit Decoder(const Limits& limits = {}) : limits_(limits) {}

  /// One Engine.IO text message (a `4...` message without its `4`).
  std::error_code add_text(std::string_view message);
  /// One Engine.IO binary message: the next attachment of the pending packet.
  std::error_code add_binary(bytes_view message);

  /// The next completed packet, in arrival order.
  std::optional<Packet> next();

  /// A binary packet's header arrived and some of its attachments are still missing.
  bool awaiting_attachments() const noexcept { return pending_.has_value(); }
  std::size_t attachments_expected() const noexcept { return expected_; }
  std::size_t attachments_received() const noexcept { return attachments_.size(); }

  bool failed() const noexcept { return static_cast<bool>(error_); }
  std::error_code error() const noexcept { return error_; }
  /// Drops any partial packet and the failed state (ready packets are kept).
  void reset() noexcept;
  const Limits& limits() const noexcept { return limits_; }

 private:
  std::error_code fail(std::error_code ec);

  Limits limits_;
  std::error_code error_;
  std::vector<Packet> ready_;  // decoded, not taken yet: ready_[taken_..]
  std::size_t taken_ = 0;
  std::optional<Packet> pending_;  // header of a binary packet waiting for attachments
  std::size_t expected_ = 0;
  std::size_t received_bytes_ = 0;  // header text + attachments so far
  std::size_t header_bytes_ = 0;
  std::vector<bytes> attachments_;
};

/// Parses one text message into `packet` (BINARY_* types kept, placeholders not
/// replaced); `attachments` gets the announced count (0 for other types).
std::error_code decode_text(std::string_view message, const Limits& limits, Packet& packet, std::size_t& attachments);

}  // namespace twinsock::sio
