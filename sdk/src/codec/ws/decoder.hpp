// Incremental client-side frame decoder (RFC 6455 §5): bytes from the server in,
// whole messages and control frames out. Accepts any split of the byte stream.
//
// Pull API: feed(bytes) then call next() until it returns std::nullopt.
//
// Ownership and copies:
//  - feed() borrows `data`: it must stay alive and unchanged until next() has
//    returned std::nullopt (the decoder has consumed it). Calling feed() again
//    before that is allowed but costs a copy of the unconsumed rest.
//  - Event::payload is a view that is valid until the next call to next() or
//    feed(). It points into the fed bytes when a single-frame message arrived in
//    one piece (no copy at all), otherwise into a buffer of the decoder that
//    gathered the fragments (one copy). Control payloads (<= 125 bytes) live in a
//    fixed array inside the decoder: no heap allocation per frame.
//
// Errors: the first protocol violation is returned as an Event of type error
// whose `error` carries a twinsock::errc (close_code_for() gives the close code
// to send: 1002, 1007 or 1009). The decoder is then failed for good: next()
// returns std::nullopt and feed() ignores its input.
//
// permessage-deflate hook (RFC 7692): with DecoderConfig::allow_rsv1, a message
// whose first frame has RSV1 set is delivered with `compressed = true` and its
// raw (still deflated) bytes. Its UTF-8 is NOT validated here: the layer that
// inflates it must validate text (ws_invalid_utf8) and enforce the inflated size
// (ws_inflate_too_big). max_message_size then limits the compressed size.
// RSV1 on a continuation or control frame is always ws_reserved_bits (§6.1).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <system_error>

#include "codec/ws/buffer.hpp"
#include "codec/ws/constants.hpp"
#include "twinsock/bytes.hpp"
#include "util/utf8.hpp"

namespace twinsock::ws {

struct DecoderConfig {
  /// Largest message (sum of its fragments' payloads, as on the wire). Checked
  /// from each frame header before its payload is buffered: ws_message_too_big.
  /// 100 MiB, the default `maxPayload` of the Node `ws` library. There is no
  /// separate frame limit: a frame's payload is part of its message.
  std::uint64_t max_message_size = 100u * 1024 * 1024;
  /// Most frames in one data message (ws_too_many_fragments): empty continuation
  /// frames never grow a message, so only a count ends one that never finishes.
  /// 100,000 is above Autobahn's most fragmented case (4 MiB in 64-byte frames).
  std::uint64_t max_fragments = 100'000;
  /// permessage-deflate was negotiated: RSV1 may mark a data message as compressed.
  bool allow_rsv1 = false;
};

enum class EventType : std::uint8_t { text, binary, ping, pong, close, error };

struct Event {
  EventType type = EventType::error;
  /// text / binary: the message; ping / pong: application data; close: the reason
  /// (UTF-8). See the header comment for how long the view is valid.
  bytes_view payload;
  /// text / binary: the first frame had RSV1 (permessage-deflate); see above.
  bool compressed = false;
  /// close: the status code, or nullopt for a close frame without a body.
  std::optional<std::uint16_t> close_code;
  /// error: what went wrong (a twinsock::errc).
  std::error_code error;

  std::string_view text() const noexcept { return as_text(payload); }
};

class Decoder {
 public:
  explicit Decoder(const DecoderConfig& config = {}) noexcept : config_(config) {}
  Decoder(const Decoder&) = delete;  // the input view may point into spill_
  Decoder& operator=(const Decoder&) = delete;
  Decoder(Decoder&&) = default;  // buffers keep their storage when moved
  Decoder& operator=(Decoder&&) = default;

  /// Hands the next bytes of the stream to the decoder (borrowed, see above).
  void feed(bytes_view data);

  /// The next event, or std::nullopt when more input is needed.
  std::optional<Event> next();

  bool failed() const noexcept { return state_ == State::failed; }
  std::error_code error() const noexcept { return error_; }
  /// A valid close frame was received; any further byte is ws_frame_after_close.
  bool close_received() const noexcept { return state_ == State::closed; }
  /// All input consumed and no frame or fragmented message partly received.
  bool idle() const noexcept {
    return in_.empty() && (state_ == State::closed || (state_ == State::header && header_have_ == 0 && !in_message_));
  }
  const DecoderConfig& config() const noexcept { return config_; }

 private:
  enum class State : std::uint8_t { header, payload, closed, failed };

  std::optional<Event> read_header();
  std::optional<Event> check_first_byte(std::uint8_t b);
  std::optional<Event> check_second_byte(std::uint8_t b);
  std::optional<Event> header_complete();
  std::optional<Event> read_payload();
  std::optional<Event> read_control_payload();
  std::optional<Event> finish_control();
  std::optional<Event> finish_message(bytes_view payload);
  Event fail(std::error_code ec);
  void consume(std::size_t n) noexcept { in_ = in_.subspan(n); }

  DecoderConfig config_;
  State state_ = State::header;
  std::error_code error_;

  // Input: the caller's bytes, or spill_ when feed() was called before draining.
  bytes_view in_;
  ByteBuffer spill_;
  bool in_spill_ = false;

  // Frame header being read (§5.2): up to 14 bytes.
  std::uint8_t header_[max_header_size] = {};
  std::uint8_t header_have_ = 0;
  std::uint8_t header_need_ = 2;

  // Current frame.
  Opcode opcode_ = Opcode::continuation;
  bool fin_ = false;
  bool rsv1_ = false;
  std::uint64_t left_ = 0;  // payload bytes still to come

  // Current data message (§5.4), possibly spread over fragments.
  bool in_message_ = false;
  Opcode message_opcode_ = Opcode::text;
  bool message_compressed_ = false;
  std::uint64_t message_size_ = 0;  // declared payload so far
  std::uint64_t message_frames_ = 0;
  ByteBuffer message_;
  bool release_message_ = false;  // message_ was handed out by the last event
  utf8::Validator utf8_;

  // Current control frame payload (§5.5: at most 125 bytes, never fragmented).
  std::uint8_t control_[max_control_payload] = {};
  std::uint8_t control_have_ = 0;
};

}  // namespace twinsock::ws
