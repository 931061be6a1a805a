#include "codec/sse/parser.hpp"

#include <limits>
#include <string_view>

#include "twinsock/error.hpp"

namespace twinsock::sse {
namespace {

constexpr std::string_view kBom = "\xEF\xBB\xBF";  // U+FEFF, as decoded UTF-8
constexpr std::size_t kLongestName = 5;            // "event", "retry"

bool is_line_end(char c) noexcept { return c == '\r' || c == '\n'; }

// §9.2.6 "retry": only ASCII digits (at least one, as browsers require),
// read in base ten. Too large a number saturates instead of wrapping.
bool parse_retry(std::string_view value, std::uint64_t& ms) noexcept {
  if (value.empty()) return false;
  constexpr std::uint64_t kMax = std::numeric_limits<std::uint64_t>::max();
  std::uint64_t n = 0;
  for (const char c : value) {
    if (c < '0' || c > '9') return false;
    const auto digit = static_cast<std::uint64_t>(c - '0');
    n = n > (kMax - digit) / 10 ? kMax : n * 10 + digit;
  }
  ms = n;
  return true;
}

}  // namespace

std::error_code Parser::feed(bytes_view chunk, std::vector<Event>& out) {
  if (error_) return error_;
  decoded_.clear();
  decoder_.decode(chunk, decoded_);
  std::string_view text = decoded_;
  // "UTF-8 decode" drops one leading BOM. The decoder emits whole code points,
  // so a BOM split across chunks arrives here in one piece.
  if (at_stream_start_ && !text.empty()) {
    at_stream_start_ = false;
    if (text.starts_with(kBom)) text.remove_prefix(kBom.size());
  }
  error_ = parse(text, out);
  return error_;
}

std::error_code Parser::parse(std::string_view text, std::vector<Event>& out) {
  std::size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];
    if (skip_lf_) {  // CRLF is one line ending, even split across chunks
      skip_lf_ = false;
      if (c == '\n') {
        ++i;
        continue;
      }
    }
    if (is_line_end(c)) {
      skip_lf_ = c == '\r';
      ++i;
      if (auto ec = end_line(out)) return ec;
      continue;
    }
    switch (state_) {
      case State::line_start:
        // A line starting with ':' is a comment.
        state_ = c == ':' ? State::skip : State::name;
        if (c == ':') ++i;
        break;
      case State::name:
        ++i;
        if (c == ':') {
          if (auto ec = begin_value()) return ec;
        } else if (name_.size() == kLongestName) {
          state_ = State::skip;  // longer than any field we act on: ignored
        } else {
          name_ += c;
        }
        break;
      case State::value_start:
        state_ = State::value;
        if (c == ' ') ++i;  // one leading space is removed
        break;
      case State::value:
      case State::skip: {
        std::size_t end = i;
        while (end < text.size() && !is_line_end(text[end])) ++end;
        if (state_ == State::value) {
          if (auto ec = append_value(text.substr(i, end - i))) return ec;
        }
        i = end;
        break;
      }
    }
  }
  return {};
}

// The field name is complete (a ':' or the line end): decide where its value goes.
std::error_code Parser::begin_value() {
  field_ = name_ == "data"    ? Field::data
           : name_ == "event" ? Field::event
           : name_ == "id"    ? Field::id
           : name_ == "retry" ? Field::retry
                              : Field::none;
  if (field_ == Field::none) {
    state_ = State::skip;  // unknown fields are ignored
    return {};
  }
  state_ = State::value_start;
  value_.clear();
  // A new data line makes the LF ending the previous one part of the data.
  if (field_ == Field::data && data_.size() > limits_.max_event_size) return errc::sse_event_too_large;
  return {};
}

std::error_code Parser::append_value(std::string_view part) {
  if (field_ == Field::data) {
    // begin_value() made sure data_.size() <= max_event_size: no underflow.
    if (part.size() > limits_.max_event_size - data_.size()) return errc::sse_event_too_large;
    data_ += part;
    return {};
  }
  if (part.size() > limits_.max_line_length - value_.size()) return errc::sse_line_too_long;
  value_ += part;
  return {};
}

std::error_code Parser::end_line(std::vector<Event>& out) {
  const State state = state_;
  state_ = State::line_start;
  switch (state) {
    case State::line_start:  // a blank line
      dispatch(out);
      return {};
    case State::skip:
      break;
    case State::name:  // no colon: the whole line is the name, the value is empty
      if (auto ec = begin_value()) return ec;
      if (state_ == State::skip) break;
      [[fallthrough]];
    case State::value_start:
    case State::value:
      switch (field_) {
        case Field::data:
          data_ += '\n';
          break;
        case Field::event:
          event_type_ = value_;
          break;
        case Field::id:
          // An id containing NUL is ignored; an empty one resets the ID.
          if (value_.find('\0') == std::string::npos) id_buffer_ = value_;
          break;
        case Field::retry: {
          std::uint64_t ms = 0;
          if (parse_retry(value_, ms)) out.emplace_back(Retry{ms});
          break;
        }
        case Field::none:
          break;
      }
      break;
  }
  state_ = State::line_start;
  name_.clear();
  value_.clear();
  return {};
}

// §9.2.6 "dispatch the event".
void Parser::dispatch(std::vector<Event>& out) {
  last_event_id_ = id_buffer_;  // updated even when nothing is dispatched
  if (data_.empty()) {
    event_type_.clear();
    return;
  }
  if (data_.back() == '\n') data_.pop_back();
  Message message;
  message.type = event_type_.empty() ? std::string("message") : std::move(event_type_);
  message.data = std::move(data_);
  message.id = last_event_id_;
  out.emplace_back(std::move(message));
  data_.clear();
  event_type_.clear();
}

void Parser::clear_stream() {
  decoder_.reset();
  error_.clear();
  state_ = State::line_start;
  field_ = Field::none;
  at_stream_start_ = true;
  skip_lf_ = false;
  name_.clear();
  value_.clear();
  data_.clear();
  event_type_.clear();
}

void Parser::finish() {
  // "If the file ends in the middle of an event, before the final empty line,
  // the incomplete event is not dispatched." A half-read line goes with it.
  clear_stream();
  id_buffer_ = last_event_id_;
}

void Parser::reset() {
  clear_stream();
  id_buffer_.clear();
  last_event_id_.clear();
}

void Parser::set_last_event_id(std::string id) {
  id_buffer_ = id;
  last_event_id_ = std::move(id);
}

}  // namespace twinsock::sse
