#include "codec/sio/decoder.hpp"

#include <utility>

#include "codec/json/parser.hpp"
#include "codec/sio/binary.hpp"
#include "twinsock/error.hpp"
#include "util/utf8.hpp"

namespace twinsock::sio {
namespace {

bool is_json_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// "[arg...]" from an EVENT's valid JSON payload ["name", arg...]: the text after the
// name, which is a string or a number (check_payload). Empty if the text is not so.
std::string arguments_text(std::string_view array) {
  std::size_t i = 0;
  const auto skip_space = [&] {
    while (i < array.size() && is_json_space(array[i])) ++i;
  };
  skip_space();
  if (i >= array.size() || array[i] != '[') return {};
  ++i;
  skip_space();
  if (i < array.size() && array[i] == '"') {
    for (++i; i < array.size() && array[i] != '"'; ++i)
      if (array[i] == '\\') ++i;
    ++i;
  } else {
    while (i < array.size() && array[i] != ',' && array[i] != ']' && !is_json_space(array[i])) ++i;
  }
  skip_space();
  if (i >= array.size()) return {};
  if (array[i] == ']') return "[]";
  if (array[i] != ',') return {};
  return "[" + std::string(array.substr(i + 1));
}

using nlohmann::json;

bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }

std::error_code err(errc e) noexcept { return make_error_code(e); }

}  // namespace

std::error_code decode_text(std::string_view s, const Limits& limits, Packet& packet, std::size_t& attachments) {
  packet = Packet{};
  attachments = 0;
  if (s.empty()) return err(errc::sio_empty_packet);
  if (s.size() > limits.max_packet_bytes) return err(errc::sio_packet_too_large);
  if (s[0] < '0' || s[0] > '6') return err(errc::sio_bad_packet_type);
  packet.type = static_cast<PacketType>(s[0] - '0');
  std::size_t i = 1;

  if (packet.type == PacketType::binary_event || packet.type == PacketType::binary_ack) {
    const std::size_t start = i;
    std::size_t n = 0;
    while (i < s.size() && is_digit(s[i])) {
      n = n * 10 + static_cast<std::size_t>(s[i] - '0');
      if (n > limits.max_attachments) return err(errc::sio_too_many_attachments);
      ++i;
    }
    if (i == start || i == s.size() || s[i] != '-') return err(errc::sio_bad_attachment_count);
    ++i;
    attachments = n;
  }

  if (i < s.size() && s[i] == '/') {
    const std::size_t comma = s.find(',', i);
    const std::size_t end = comma == std::string_view::npos ? s.size() : comma;
    const std::string_view nsp = s.substr(i, end - i);
    if (!utf8::is_valid(as_bytes(nsp))) return err(errc::sio_bad_namespace);
    packet.nsp.assign(nsp);
    i = comma == std::string_view::npos ? s.size() : comma + 1;
  }

  if (i < s.size() && is_digit(s[i])) {
    std::uint64_t id = 0;
    while (i < s.size() && is_digit(s[i])) {
      const auto d = static_cast<std::uint64_t>(s[i] - '0');
      if (d > limits.max_ack_id || id > (limits.max_ack_id - d) / 10) return err(errc::sio_bad_ack_id);
      id = id * 10 + d;
      ++i;
    }
    packet.id = id;
  }

  if (i < s.size()) {
    const std::string_view text = s.substr(i);
    json data;
    switch (parse_json(text, data, limits.max_json_depth)) {
      case JsonParseError::none: break;
      case JsonParseError::too_deep: return err(errc::json_too_deep);
      case JsonParseError::syntax: return err(errc::sio_bad_json);
    }
    if (data.is_null()) return err(errc::sio_bad_payload);  // "null" is a payload, not an absent one
    packet.data = std::move(data);
    if (limits.keep_text && attachments == 0) {
      if (packet.type == PacketType::ack) packet.text = text;
      if (packet.type == PacketType::event) packet.text = arguments_text(text);
    }
  }
  if (auto ec = check_payload(packet.type, packet.data)) return ec;
  if (attachments > 0 || packet.type == PacketType::binary_event || packet.type == PacketType::binary_ack) {
    if (auto ec = check_placeholders(packet.data, attachments)) return ec;
  }
  return {};
}

std::error_code Decoder::add_text(std::string_view message) {
  if (error_) return error_;
  if (pending_) return fail(err(errc::sio_unexpected_text));
  Packet packet;
  std::size_t count = 0;
  if (auto ec = decode_text(message, limits_, packet, count)) return fail(ec);
  if (packet.type == PacketType::binary_event) packet.type = PacketType::event;
  if (packet.type == PacketType::binary_ack) packet.type = PacketType::ack;
  if (count == 0) {
    ready_.push_back(std::move(packet));
    return {};
  }
  pending_ = std::move(packet);
  expected_ = count;
  received_bytes_ = message.size();
  header_bytes_ = message.size();
  attachments_.clear();
  return {};
}

std::error_code Decoder::add_binary(bytes_view message) {
  if (error_) return error_;
  if (!pending_) return fail(err(errc::sio_unexpected_attachment));
  if (message.size() > limits_.max_packet_bytes - received_bytes_) return fail(err(errc::sio_packet_too_large));
  received_bytes_ += message.size();
  attachments_.emplace_back(message.begin(), message.end());
  if (attachments_.size() < expected_) return {};
  Packet packet = std::move(*pending_);
  pending_.reset();
  // The rebuilt packet (header text + a copy per placeholder) must fit the limit too.
  const auto ec = reconstruct(packet.data, attachments_, limits_.max_packet_bytes - header_bytes_);
  attachments_.clear();
  expected_ = 0;
  received_bytes_ = 0;
  if (ec) return fail(ec);
  ready_.push_back(std::move(packet));
  return {};
}

std::optional<Packet> Decoder::next() {
  if (taken_ == ready_.size()) return std::nullopt;
  Packet p = std::move(ready_[taken_++]);
  if (taken_ == ready_.size()) {  // all taken: start over, keeping the capacity
    ready_.clear();
    taken_ = 0;
  }
  return p;
}

void Decoder::reset() noexcept {
  error_ = {};
  pending_.reset();
  expected_ = 0;
  received_bytes_ = 0;
  header_bytes_ = 0;
  attachments_.clear();
}

std::error_code Decoder::fail(std::error_code ec) {
  error_ = ec;
  pending_.reset();
  expected_ = 0;
  received_bytes_ = 0;
  header_bytes_ = 0;
  attachments_.clear();
  return ec;
}

}  // namespace twinsock::sio
