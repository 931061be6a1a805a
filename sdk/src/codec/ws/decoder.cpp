#include "codec/ws/decoder.hpp"

#include <algorithm>
#include <cstring>

#include "twinsock/error.hpp"

namespace twinsock::ws {
namespace {

// Buffers grown past this by one big message are freed afterwards.
constexpr std::size_t kKeepCapacity = 64 * 1024;

// Appends `chunk` of a frame whose remaining payload is `left` bytes, reserving
// for the rest of the frame once (capped, so an announced length alone cannot
// make us allocate much), and growing geometrically but never past `max` (the
// message size limit, which the buffered message never exceeds).
void append(ByteBuffer& buffer, bytes_view chunk, std::uint64_t left, std::uint64_t max) {
  constexpr std::uint64_t kMaxReserve = 1024 * 1024;
  const std::size_t want = buffer.size() + static_cast<std::size_t>(std::min(left, kMaxReserve));
  if (want > buffer.capacity())
    buffer.reserve(std::max(want, static_cast<std::size_t>(std::min<std::uint64_t>(2 * buffer.capacity(), max))));
  buffer.append(chunk);
}

}  // namespace

void Decoder::feed(bytes_view data) {
  if (state_ == State::failed || data.empty()) return;
  if (in_.empty()) {
    if (in_spill_) {
      spill_.reset(kKeepCapacity);
      in_spill_ = false;
    }
    in_ = data;
    return;
  }
  // Fed again before the previous input was drained: keep the rest (one copy).
  if (in_spill_) {
    spill_.erase_front(static_cast<std::size_t>(in_.data() - spill_.data()));
  } else {
    spill_.clear();
    spill_.append(in_);
    in_spill_ = true;
  }
  spill_.append(data);
  in_ = spill_.view();
}

std::optional<Event> Decoder::next() {
  if (release_message_) {
    message_.reset(kKeepCapacity);
    release_message_ = false;
  }
  for (;;) {
    switch (state_) {
      case State::failed:
        return std::nullopt;
      case State::closed:
        // §5.5.1: the close frame is the last one the server sends.
        if (in_.empty()) return std::nullopt;
        return fail(errc::ws_frame_after_close);
      case State::header:
        if (in_.empty()) return std::nullopt;
        if (auto event = read_header()) return event;
        break;
      case State::payload:
        if (auto event = read_payload()) return event;
        if (state_ == State::payload) return std::nullopt;  // needs more input
        break;
    }
  }
}

Event Decoder::fail(std::error_code ec) {
  state_ = State::failed;
  error_ = ec;
  in_ = {};
  Event event;
  event.type = EventType::error;
  event.error = ec;
  return event;
}

// Reads header bytes one at a time (at most 14) so each rule is checked as soon
// as the byte it depends on arrives.
std::optional<Event> Decoder::read_header() {
  while (!in_.empty()) {
    const std::uint8_t b = in_[0];
    consume(1);
    header_[header_have_++] = b;
    if (header_have_ == 1) {
      if (auto event = check_first_byte(b)) return event;
    } else if (header_have_ == 2) {
      if (auto event = check_second_byte(b)) return event;
    }
    if (header_have_ == header_need_) return header_complete();
  }
  return std::nullopt;
}

std::optional<Event> Decoder::check_first_byte(std::uint8_t b) {
  fin_ = (b & 0x80) != 0;
  rsv1_ = (b & 0x40) != 0;
  const std::uint8_t op = b & 0x0F;
  // §5.2: RSV bits must be 0 unless an extension defines them; permessage-deflate
  // defines only RSV1 (RFC 7692 §6).
  if ((b & 0x30) != 0 || (rsv1_ && !config_.allow_rsv1)) return fail(errc::ws_reserved_bits);
  if (!is_known_opcode(op)) return fail(errc::ws_bad_opcode);  // §5.2: reserved opcodes
  opcode_ = static_cast<Opcode>(op);
  const bool control = is_control(opcode_);
  // RFC 7692 §6.1: RSV1 only on the first frame of a data message.
  if (rsv1_ && (control || opcode_ == Opcode::continuation)) return fail(errc::ws_reserved_bits);
  if (control && !fin_) return fail(errc::ws_control_fragmented);  // §5.5
  if (opcode_ == Opcode::continuation && !in_message_) return fail(errc::ws_unexpected_continuation);  // §5.4
  if (!control && opcode_ != Opcode::continuation && in_message_) return fail(errc::ws_expected_continuation);
  return std::nullopt;
}

std::optional<Event> Decoder::check_second_byte(std::uint8_t b) {
  if ((b & 0x80) != 0) return fail(errc::ws_masked_frame);  // §5.1: servers never mask
  const std::uint8_t len = b & 0x7F;
  if (is_control(opcode_) && len > max_control_payload) return fail(errc::ws_control_too_long);  // §5.5
  header_need_ = len == 126 ? 4 : len == 127 ? 10 : 2;
  return std::nullopt;
}

std::optional<Event> Decoder::header_complete() {
  std::uint64_t size = header_[1] & 0x7F;
  if (size == 126) {
    size = (std::uint64_t{header_[2]} << 8) | header_[3];
  } else if (size == 127) {
    if ((header_[2] & 0x80) != 0) return fail(errc::ws_bad_length);  // §5.2: MSB must be 0
    size = 0;
    for (int i = 2; i < 10; ++i) size = (size << 8) | header_[i];
  }
  // Non-minimal length encodings are accepted, as the `ws` library does.
  header_have_ = 0;
  header_need_ = 2;
  left_ = size;
  state_ = State::payload;
  if (is_control(opcode_)) {
    control_have_ = 0;
    return std::nullopt;
  }
  if (opcode_ != Opcode::continuation) {  // first frame of a message
    in_message_ = true;
    message_opcode_ = opcode_;
    message_compressed_ = rsv1_;
    message_size_ = 0;
    message_frames_ = 0;
    utf8_.reset();
  }
  if (++message_frames_ > config_.max_fragments) return fail(errc::ws_too_many_fragments);
  // Reject from the header, before buffering anything (message_size_ <= max).
  if (size > config_.max_message_size - message_size_) return fail(errc::ws_message_too_big);
  message_size_ += size;
  return std::nullopt;
}

std::optional<Event> Decoder::read_payload() {
  if (is_control(opcode_)) return read_control_payload();
  const bool check_utf8 = message_opcode_ == Opcode::text && !message_compressed_;
  // Fast path: a whole single-frame message, none of it consumed yet, is in the
  // input: hand out a view of it (for a first frame, message_size_ is its size).
  if (fin_ && opcode_ != Opcode::continuation && left_ == message_size_ && left_ <= in_.size()) {
    const bytes_view payload = in_.first(static_cast<std::size_t>(left_));
    consume(payload.size());
    left_ = 0;
    if (check_utf8 && !utf8::is_valid(payload)) return fail(errc::ws_invalid_utf8);
    return finish_message(payload);
  }
  const std::size_t take = static_cast<std::size_t>(std::min<std::uint64_t>(left_, in_.size()));
  const bytes_view chunk = in_.first(take);
  // §8.1: fail as soon as the bad byte arrives, before the message completes.
  if (check_utf8 && !utf8_.feed(chunk)) return fail(errc::ws_invalid_utf8);
  append(message_, chunk, left_, config_.max_message_size);
  consume(take);
  left_ -= take;
  if (left_ > 0) return std::nullopt;
  state_ = State::header;
  if (!fin_) return std::nullopt;
  if (check_utf8 && !utf8_.complete()) return fail(errc::ws_invalid_utf8);  // truncated sequence
  release_message_ = true;
  return finish_message(message_.view());
}

std::optional<Event> Decoder::finish_message(bytes_view payload) {
  state_ = State::header;
  in_message_ = false;
  Event event;
  event.type = message_opcode_ == Opcode::text ? EventType::text : EventType::binary;
  event.payload = payload;
  event.compressed = message_compressed_;
  return event;
}

std::optional<Event> Decoder::read_control_payload() {
  const std::size_t take = static_cast<std::size_t>(std::min<std::uint64_t>(left_, in_.size()));
  if (take > 0) std::memcpy(control_ + control_have_, in_.data(), take);
  control_have_ = static_cast<std::uint8_t>(control_have_ + take);
  consume(take);
  left_ -= take;
  if (left_ > 0) return std::nullopt;
  state_ = State::header;
  return finish_control();
}

std::optional<Event> Decoder::finish_control() {
  Event event;
  const bytes_view body(control_, control_have_);
  if (opcode_ == Opcode::ping || opcode_ == Opcode::pong) {
    event.type = opcode_ == Opcode::ping ? EventType::ping : EventType::pong;
    event.payload = body;
    return event;
  }
  // Close (§5.5.1): empty, or a 2-byte code followed by a UTF-8 reason.
  if (body.size() == 1) return fail(errc::ws_bad_close_payload);
  event.type = EventType::close;
  in_message_ = false;  // a message in progress is abandoned
  release_message_ = true;
  if (body.size() >= 2) {
    const auto code = static_cast<std::uint16_t>((body[0] << 8) | body[1]);
    if (!is_valid_close_code_on_wire(code)) return fail(errc::ws_bad_close_code);  // §7.4
    event.payload = body.subspan(2);
    if (!utf8::is_valid(event.payload)) return fail(errc::ws_invalid_close_reason);
    event.close_code = code;
  }
  state_ = State::closed;
  return event;
}

}  // namespace twinsock::ws
