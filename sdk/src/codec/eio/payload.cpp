#include "codec/eio/payload.hpp"

#include <algorithm>

#include "twinsock/error.hpp"

namespace twinsock::eio {

std::string encode_payload(std::span<const Packet> packets) {
  std::string out;
  out.reserve(encoded_payload_size(packets));
  for (std::size_t i = 0; i < packets.size(); ++i) {
    if (i > 0) out += kRecordSeparator;
    out += encode_text(packets[i]);
  }
  return out;
}

std::size_t encoded_payload_size(std::span<const Packet> packets) noexcept {
  std::size_t size = packets.empty() ? 0 : packets.size() - 1;  // separators
  for (const Packet& p : packets) size += encoded_text_size(p);
  return size;
}

std::size_t writable_count(std::span<const Packet> queue, std::size_t max_payload) noexcept {
  if (max_payload == 0 || queue.size() <= 1) return queue.size();
  std::size_t size = encoded_text_size(queue[0]);
  std::size_t n = 1;
  for (; n < queue.size(); ++n) {
    size += 1 + encoded_text_size(queue[n]);
    if (size > max_payload) break;
  }
  return n;
}

std::error_code decode_payload(std::string_view body, std::vector<Packet>& out, const PayloadLimits& limits) {
  out.clear();
  if (body.size() > limits.max_payload_bytes) return errc::eio_payload_too_large;
  const auto records = static_cast<std::size_t>(std::count(body.begin(), body.end(), kRecordSeparator)) + 1;
  if (records > limits.max_packets) return errc::eio_too_many_packets;
  out.reserve(records);
  std::size_t start = 0;
  while (true) {
    const std::size_t end = std::min(body.find(kRecordSeparator, start), body.size());
    Packet packet;
    // An empty body or an empty record (e.g. a trailing 0x1e) is an error, as
    // engine.io-parser's decodePacket("") gives an "error" packet.
    if (auto ec = decode_text(body.substr(start, end - start), packet)) return ec;
    out.push_back(std::move(packet));
    if (end == body.size()) return {};
    start = end + 1;
  }
}

}  // namespace twinsock::eio
