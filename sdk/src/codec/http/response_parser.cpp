#include "codec/http/response_parser.hpp"

#include <cstring>
#include <limits>
#include <optional>

#include "codec/http/syntax.hpp"
#include "twinsock/error.hpp"
#include "util/ascii.hpp"

namespace twinsock::http {
namespace {

using ascii::hex_value;
using ascii::is_digit;

constexpr std::uint64_t kNoLimit = std::numeric_limits<std::uint64_t>::max();

// Splits off the next line of a collected section (LF-terminated; a CR before
// the LF is dropped, RFC 9112 §2.2). False when a bare CR remains in the line.
bool next_line(std::string_view& text, std::string_view& line) {
  const std::size_t lf = text.find('\n');
  line = text.substr(0, lf);
  text.remove_prefix(lf == std::string_view::npos ? text.size() : lf + 1);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return line.find('\r') == std::string_view::npos;
}

bool valid_field_value(std::string_view value) {
  for (char c : value)
    if (!is_field_value_char(static_cast<unsigned char>(c))) return false;
  return true;
}

// field-line = field-name ":" OWS field-value OWS (RFC 9112 §5). A line that starts
// with whitespace continues the field before it (obs-fold), which a user agent
// unfolds into one space (§5.2); the first line of a section has none to continue.
std::error_code parse_field_line(std::string_view line, bool first, std::size_t max_fields, Headers& out) {
  if (!line.empty() && (line.front() == ' ' || line.front() == '\t')) {
    const std::string_view more = trim_ows(line);
    if (first || out.empty() || !valid_field_value(more)) return errc::http_bad_header;
    std::string& value = out.back().value;
    if (!more.empty()) value.append(value.empty() ? "" : " ").append(more);
    return {};
  }
  const std::size_t colon = line.find(':');
  if (colon == std::string_view::npos) return errc::http_bad_header;
  const std::string_view name = line.substr(0, colon);  // no whitespace before ':' (RFC 9112 §5.1)
  if (!is_token(name)) return errc::http_bad_header;
  const std::string_view value = trim_ows(line.substr(colon + 1));
  if (!valid_field_value(value)) return errc::http_bad_header;
  if (out.size() >= max_fields) return errc::http_too_many_headers;
  out.push_back({std::string(name), std::string(value)});
  return {};
}

// Content-Length = 1*DIGIT; several fields or list members must agree (RFC 9110 §8.6).
std::error_code parse_content_length(const Headers& headers, std::uint64_t& out) {
  bool seen = false;
  for (const auto& h : headers) {
    if (!iequals(h.name, "content-length")) continue;
    std::string_view rest = h.value;
    while (true) {
      const std::size_t comma = rest.find(',');
      const std::string_view element = trim_ows(rest.substr(0, comma));
      if (element.empty() || element.size() > 19) return errc::http_bad_content_length;
      std::uint64_t value = 0;
      for (char c : element) {
        if (!is_digit(c)) return errc::http_bad_content_length;
        value = value * 10 + std::uint64_t(c - '0');
      }
      if (seen && value != out) return errc::http_bad_content_length;
      out = value;
      seen = true;
      if (comma == std::string_view::npos) break;
      rest.remove_prefix(comma + 1);
    }
  }
  return {};
}

}  // namespace

std::error_code ResponseParser::feed(bytes_view data) {
  if (eof_ || !input_.empty() || state_ == State::failed || state_ == State::upgraded || state_ == State::closed)
    return errc::invalid_state;
  chunk_ = data;
  input_ = data;
  return {};
}

Event ResponseParser::fail(std::error_code ec) {
  state_ = State::failed;
  error_ = ec;
  Event ev;
  ev.kind = EventKind::error;
  ev.error = ec;
  return ev;
}

// Moves input into buf_ up to the end of one line (section = false) or of a
// section ended by an empty line. True when complete; false when the input ran
// out or, with `ec` set, when the limit was exceeded.
bool ResponseParser::collect(std::size_t limit, std::error_code too_large, bool section, std::error_code& ec) {
  while (!input_.empty()) {
    const void* lf = std::memchr(input_.data(), '\n', input_.size());
    const std::size_t n = lf ? std::size_t(static_cast<const std::uint8_t*>(lf) - input_.data()) + 1 : input_.size();
    if (buf_.size() + n > limit) {
      ec = too_large;
      return false;
    }
    buf_.append(reinterpret_cast<const char*>(input_.data()), n);
    input_ = input_.subspan(n);
    if (!lf) return false;
    const std::string_view line(buf_.data() + line_start_, buf_.size() - 1 - line_start_);
    line_start_ = buf_.size();
    if (!section || line.empty() || line == "\r") return true;
  }
  return false;
}

// status-line = HTTP-version SP status-code SP [ reason-phrase ] (RFC 9112 §4),
// then the field lines. A missing SP after the code is tolerated.
std::error_code ResponseParser::parse_head() {
  std::string_view text = buf_, line;
  if (!next_line(text, line)) return errc::http_bad_status_line;
  if (line.size() < 12 || line.substr(0, 7) != "HTTP/1." || !is_digit(line[7]) || line[8] != ' ' ||
      !is_digit(line[9]) || !is_digit(line[10]) || !is_digit(line[11]) || (line.size() > 12 && line[12] != ' '))
    return errc::http_bad_status_line;
  const int status = (line[9] - '0') * 100 + (line[10] - '0') * 10 + (line[11] - '0');
  if (status < 100 || status > 599) return errc::http_bad_status_line;  // RFC 9110 §15
  const std::string_view reason = line.size() > 12 ? line.substr(13) : std::string_view{};
  for (char c : reason)
    if (!is_field_value_char(static_cast<unsigned char>(c))) return errc::http_bad_status_line;
  head_ = ResponseHead{};
  head_.version_minor = line[7] - '0';
  head_.status = status;
  head_.reason.assign(reason);
  bool first = true;
  while (!text.empty()) {
    if (!next_line(text, line)) return errc::http_bad_header;
    if (line.empty()) break;  // the blank line that ends the head
    if (auto ec = parse_field_line(line, first, limits_.max_headers, head_.headers)) return ec;
    first = false;
  }
  return {};
}

std::error_code ResponseParser::parse_trailers() {
  std::string_view text = buf_, line;
  bool first = true;
  while (!text.empty()) {
    if (!next_line(text, line)) return errc::http_bad_header;
    if (line.empty()) break;
    if (auto ec = parse_field_line(line, first, limits_.max_headers, trailers_)) return ec;
    first = false;
  }
  return {};
}

// Message body length rules of RFC 9112 §6.3, for a client.
std::error_code ResponseParser::decide_framing() {
  body_kind_ = BodyKind::none;
  content_length_ = remaining_ = 0;
  const int s = head_.status;
  if (head_request_ || s < 200 || s == 204 || s == 304) return {};  // §6.3 item 1
  const bool has_te = count_headers(head_.headers, "transfer-encoding") > 0;
  const bool has_cl = count_headers(head_.headers, "content-length") > 0;
  if (has_te) {
    // Only "chunked" can be decoded here; TE with Content-Length smells of smuggling
    // (§6.3 item 3) and TE in HTTP/1.0 is faulty framing (§6.1).
    if (head_.version_minor == 0 || has_cl) return errc::http_bad_transfer_encoding;
    const auto codings = header_list(head_.headers, "transfer-encoding");
    if (codings.size() != 1 || !iequals(codings[0], "chunked")) return errc::http_bad_transfer_encoding;
    body_kind_ = BodyKind::chunked;
    return {};
  }
  if (has_cl) {
    if (auto ec = parse_content_length(head_.headers, content_length_)) return ec;
    if (limits_.max_body_bytes && content_length_ > limits_.max_body_bytes) return errc::http_body_too_large;
    body_kind_ = BodyKind::length;
    remaining_ = content_length_;
    return {};
  }
  body_kind_ = BodyKind::until_close;  // §6.3 item 8
  return {};
}

// chunk = chunk-size [ chunk-ext ] CRLF (RFC 9112 §7.1)
std::error_code ResponseParser::parse_chunk_size() {
  std::string_view text = buf_, line;
  if (!next_line(text, line)) return errc::http_bad_chunk;
  std::uint64_t size = 0;
  std::size_t i = 0;
  for (; i < line.size() && hex_value(line[i]) >= 0; ++i) {
    if (size > (kNoLimit >> 4)) return errc::http_bad_chunk;
    size = size * 16 + std::uint64_t(hex_value(line[i]));
  }
  if (i == 0 || !valid_chunk_extensions(line.substr(i))) return errc::http_bad_chunk;
  if (limits_.max_body_bytes && size > limits_.max_body_bytes - body_total_) return errc::http_body_too_large;
  remaining_ = size;
  return {};
}

Event ResponseParser::on_head_complete() {
  trailers_.clear();
  body_total_ = 0;
  const std::error_code ec = parse_head();
  buf_.clear();
  line_start_ = 0;
  if (ec) return fail(ec);
  Event ev;
  if (head_.status == 101) {  // the connection now speaks another protocol
    state_ = State::upgraded;
    ev.kind = EventKind::upgrade;
    ev.consumed = chunk_.size() - input_.size();
    return ev;
  }
  if (auto framing = decide_framing()) return fail(framing);
  switch (body_kind_) {
    case BodyKind::none:
    case BodyKind::length: state_ = State::body_length; break;
    case BodyKind::chunked: state_ = State::chunk_size; break;
    case BodyKind::until_close: state_ = State::body_close; break;
  }
  ev.kind = EventKind::head;
  return ev;
}

Event ResponseParser::on_message_end() {
  // A close-delimited message is the last one on the connection.
  state_ = body_kind_ == BodyKind::until_close ? State::closed : State::head;
  if (head_.status >= 200) head_request_ = false;  // a 1xx precedes the final response to the same request
  buf_.clear();
  line_start_ = 0;
  Event ev;
  ev.kind = EventKind::message_end;
  return ev;
}

Event ResponseParser::body_piece(std::uint64_t max) {
  const std::size_t n = max < input_.size() ? static_cast<std::size_t>(max) : input_.size();
  Event ev;
  ev.kind = EventKind::body;
  ev.data = input_.first(n);
  input_ = input_.subspan(n);
  body_total_ += n;
  if (state_ == State::body_length || state_ == State::chunk_data) remaining_ -= n;
  return ev;
}

Event ResponseParser::next() {
  for (;;)
    if (std::optional<Event> ev = step()) return *ev;
}

// One state transition; nullopt when the state changed without an event.
std::optional<Event> ResponseParser::step() {
  constexpr std::nullopt_t again = std::nullopt;
  const Event need_data;
  std::error_code ec;
  switch (state_) {
    case State::failed: return fail(error_);
    case State::closed: {
      Event ev;
      ev.kind = EventKind::closed;
      return ev;
    }
    case State::upgraded: {
      Event ev;
      ev.kind = EventKind::upgrade;
      ev.consumed = chunk_.size() - input_.size();
      return ev;
    }
    case State::head:
      if (input_.empty() && buf_.empty() && eof_) {
        state_ = State::closed;
        return again;
      }
      if (collect(limits_.max_head_bytes, errc::http_header_too_large, true, ec)) return on_head_complete();
      if (ec) return fail(ec);
      return eof_ ? fail(errc::http_truncated) : need_data;
    case State::body_length:
      if (remaining_ == 0) return on_message_end();
      if (input_.empty()) return eof_ ? fail(errc::http_truncated) : need_data;
      return body_piece(remaining_);
    case State::body_close:
      if (input_.empty()) return eof_ ? on_message_end() : need_data;
      if (!limits_.max_body_bytes) return body_piece(kNoLimit);
      if (body_total_ >= limits_.max_body_bytes) return fail(errc::http_body_too_large);
      return body_piece(limits_.max_body_bytes - body_total_);
    case State::chunk_size:
      if (collect(limits_.max_chunk_line_bytes, errc::http_chunk_line_too_long, false, ec)) {
        ec = parse_chunk_size();
        buf_.clear();
        line_start_ = 0;
        if (ec) return fail(ec);
        state_ = remaining_ == 0 ? State::trailers : State::chunk_data;
        return again;
      }
      if (ec) return fail(ec);
      return eof_ ? fail(errc::http_truncated) : need_data;
    case State::chunk_data:
      if (remaining_ == 0) {
        state_ = State::chunk_data_end;
        cr_seen_ = false;
        return again;
      }
      if (input_.empty()) return eof_ ? fail(errc::http_truncated) : need_data;
      return body_piece(remaining_);
    case State::chunk_data_end:
      while (!input_.empty()) {
        const char c = static_cast<char>(input_[0]);
        if (c == '\r' && !cr_seen_) {
          cr_seen_ = true;
        } else if (c == '\n') {
          input_ = input_.subspan(1);
          state_ = State::chunk_size;
          return again;
        } else {
          return fail(errc::http_bad_chunk);
        }
        input_ = input_.subspan(1);
      }
      return eof_ ? fail(errc::http_truncated) : need_data;
    case State::trailers:
      if (collect(limits_.max_trailer_bytes, errc::http_trailers_too_large, true, ec)) {
        ec = parse_trailers();
        if (ec) return fail(ec);
        return on_message_end();
      }
      if (ec) return fail(ec);
      return eof_ ? fail(errc::http_truncated) : need_data;
  }
  return fail(errc::internal_error);
}

}  // namespace twinsock::http
