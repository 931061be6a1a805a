// Incremental text/event-stream parser (WHATWG HTML §9.2.6): bytes in, events
// out, any split of the input giving the same events.
//
// Memory is bounded without buffering whole lines: comment lines and unknown
// fields are skipped as they arrive, `data` values go straight into the data
// buffer (bounded by max_event_size), and only `event`, `id` and `retry` values
// are held in a line buffer (bounded by max_line_length).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <system_error>
#include <vector>

#include "codec/sse/event.hpp"
#include "codec/sse/utf8_decoder.hpp"
#include "twinsock/bytes.hpp"

namespace twinsock::sse {

struct ParserLimits {
  /// Longest `event`, `id` or `retry` value kept, in bytes of decoded UTF-8
  /// (errc::sse_line_too_long beyond it).
  std::size_t max_line_length = 64 * 1024;
  /// Largest `data` of one event, in bytes of decoded UTF-8, the LFs joining
  /// its lines included (errc::sse_event_too_large beyond it).
  std::size_t max_event_size = 4 * 1024 * 1024;
};

class Parser {
 public:
  explicit Parser(ParserLimits limits = {}) : limits_(limits) {}

  /// Parses the next bytes of the stream and appends the events they complete
  /// to `out`. On a limit error, `out` has the events dispatched before the
  /// offending line; the error is sticky (every later feed returns it) until
  /// finish() or reset().
  std::error_code feed(bytes_view chunk, std::vector<Event>& out);

  /// End of the stream (connection closed, about to reconnect): an event not
  /// yet ended by a blank line is discarded, as the spec requires. The parser
  /// is then ready for a new stream (a new BOM may start it); the last event
  /// ID is kept, as browsers keep it across reconnections.
  void finish();

  /// Back to a fresh parser, the last event ID cleared too.
  void reset();

  /// The "last event ID string": what to send as Last-Event-ID on reconnect.
  /// Set when a blank line is processed, even if no event is dispatched.
  const std::string& last_event_id() const noexcept { return last_event_id_; }
  /// Starts from a known last event ID (e.g. one saved by the application).
  void set_last_event_id(std::string id);

  /// Bytes held for the line being read and for the pending event's data; never
  /// above max_line_length and max_event_size + 1 (the trailing LF).
  std::size_t buffered_line_size() const noexcept { return value_.size(); }
  std::size_t buffered_data_size() const noexcept { return data_.size(); }

  const ParserLimits& limits() const noexcept { return limits_; }

 private:
  enum class State : std::uint8_t { line_start, name, value_start, value, skip };
  enum class Field : std::uint8_t { none, data, event, id, retry };

  std::error_code parse(std::string_view text, std::vector<Event>& out);
  std::error_code begin_value();
  std::error_code append_value(std::string_view part);
  std::error_code end_line(std::vector<Event>& out);
  void dispatch(std::vector<Event>& out);
  void clear_stream();

  ParserLimits limits_;
  Utf8Decoder decoder_;
  std::string decoded_;  // scratch: the decoded text of one chunk
  std::error_code error_;
  State state_ = State::line_start;
  Field field_ = Field::none;
  bool at_stream_start_ = true;  // a BOM is still skippable
  bool skip_lf_ = false;         // the last line ended with CR: an LF now is part of it
  std::string name_;             // field name so far (at most 5 bytes: "retry")
  std::string value_;            // value of an `event`, `id` or `retry` field
  std::string data_;             // "data buffer"
  std::string event_type_;       // "event type buffer"
  std::string id_buffer_;        // "last event ID buffer"
  std::string last_event_id_;    // "last event ID string"
};

}  // namespace twinsock::sse
