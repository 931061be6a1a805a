// Incremental HTTP/1.1 response parser (RFC 9112), pull-style like h11's
// next_event(): feed() a chunk, then call next() until it returns need_data.
//
//   parser.feed(chunk);                       // chunk must outlive the next() calls
//   for (auto ev = parser.next(); ev.kind != EventKind::need_data; ev = parser.next()) {
//     head         -> parser.head() (status, headers)
//     body         -> ev.data: the next piece of content, a view into `chunk`
//     message_end  -> parser.trailers(); leftover bytes start the next response (keep-alive)
//     upgrade      -> 101 (instead of head): parsing stops; ev.consumed / parser.unconsumed() locate the
//                     first byte after the head, for the WebSocket decoder
//     closed       -> finish() was called between messages
//     error        -> ev.error (sticky)
//   }
//   parser.finish();                          // on EOF: ends close-delimited bodies
//
// The head, chunk-size lines and trailers are buffered (bounded by the limits);
// body bytes never are, so endless SSE streams run in constant memory.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <system_error>

#include "codec/http/message.hpp"
#include "twinsock/bytes.hpp"

namespace twinsock::http {

struct ResponseLimits {
  std::size_t max_head_bytes = 16 * 1024;    // status line + fields + blank line
  std::size_t max_headers = 100;             // fields in the head, and again in the trailers
  std::uint64_t max_body_bytes = 16u << 20;  // content bytes per message; 0 = unlimited (SSE)
  std::size_t max_chunk_line_bytes = 1024;   // chunk-size line with extensions and CRLF
  std::size_t max_trailer_bytes = 8 * 1024;  // trailer section with its blank line
};

enum class EventKind { need_data, head, body, message_end, upgrade, closed, error };

struct Event {
  EventKind kind = EventKind::need_data;
  bytes_view data;           // body: content bytes (a view into the last fed chunk)
  std::size_t consumed = 0;  // upgrade: bytes of the last fed chunk that belonged to the head
  std::error_code error;     // error
};

/// How the current message's body is delimited (RFC 9112 §6.3).
enum class BodyKind { none, length, chunked, until_close };

class ResponseParser {
 public:
  explicit ResponseParser(ResponseLimits limits = {}) : limits_(limits) {}

  /// Hands the parser the next bytes. invalid_state when the previous chunk was
  /// not fully consumed (next() had not returned need_data), after finish(), or
  /// after an upgrade or an error.
  std::error_code feed(bytes_view data);
  /// End of input (the peer closed). Ends a close-delimited body; anything else
  /// unfinished becomes http_truncated.
  void finish() noexcept { eof_ = true; }
  Event next();

  /// The request of the response being parsed (or of the next one) was HEAD:
  /// its response has no body (RFC 9110 §9.3.2). Cleared at the message_end of
  /// the final (non-1xx) response.
  void set_head_request(bool head) noexcept { head_request_ = head; }

  /// Valid from the head event until the next response's head is parsed.
  const ResponseHead& head() const noexcept { return head_; }
  /// Chunked trailers, valid at message_end (kept apart from head().headers).
  const Headers& trailers() const noexcept { return trailers_; }
  BodyKind body_kind() const noexcept { return body_kind_; }
  /// Content-Length of the current message, when body_kind() == length.
  std::uint64_t content_length() const noexcept { return content_length_; }
  /// The part of the last fed chunk not consumed yet (after upgrade: the bytes after the head).
  bytes_view unconsumed() const noexcept { return input_; }

  const ResponseLimits& limits() const noexcept { return limits_; }

  /// Back to the initial state (limits kept).
  void reset() noexcept { *this = ResponseParser(limits_); }

 private:
  enum class State { head, body_length, body_close, chunk_size, chunk_data, chunk_data_end, trailers, upgraded, closed, failed };

  Event fail(std::error_code ec);
  Event on_head_complete();
  Event on_message_end();
  bool collect(std::size_t limit, std::error_code too_large, bool section, std::error_code& ec);
  std::error_code parse_head();
  std::error_code parse_trailers();
  std::error_code parse_chunk_size();
  std::error_code decide_framing();
  Event body_piece(std::uint64_t max);
  std::optional<Event> step();

  ResponseLimits limits_;
  State state_ = State::head;
  bytes_view chunk_;  // the last fed chunk
  bytes_view input_;  // its unconsumed tail
  std::string buf_;   // head, chunk-size line or trailers being collected
  std::size_t line_start_ = 0;
  ResponseHead head_;
  Headers trailers_;
  BodyKind body_kind_ = BodyKind::none;
  std::uint64_t content_length_ = 0;
  std::uint64_t remaining_ = 0;  // of the Content-Length body or the current chunk
  std::uint64_t body_total_ = 0;
  bool cr_seen_ = false;  // chunk_data_end: CR of the CRLF after chunk data
  bool head_request_ = false;
  bool eof_ = false;
  std::error_code error_;
};

}  // namespace twinsock::http
