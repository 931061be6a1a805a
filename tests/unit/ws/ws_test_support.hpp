// Helpers shared by the ws unit tests: a fixed mask source, a client-to-server
// frame unmasker (so encoder output can be fed to the client decoder), and a
// "decode everything" loop.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "codec/ws/decoder.hpp"
#include "twinsock/bytes.hpp"
#include "util/random.hpp"

namespace twinsock::ws::test {

// Repeats `pattern` forever (the RFC 6455 §5.7 key by default).
class FixedRandom final : public RandomSource {
 public:
  explicit FixedRandom(bytes pattern = {0x37, 0xfa, 0x21, 0x3d}) : pattern_(std::move(pattern)) {}
  void fill(std::span<std::uint8_t> out) override {
    for (auto& b : out) b = pattern_[at_++ % pattern_.size()];
    ++calls;
  }
  int calls = 0;

 private:
  bytes pattern_;
  std::size_t at_ = 0;
};

// Rewrites masked client frames as the unmasked frames a server would send.
inline bytes unmask_frames(bytes_view in) {
  bytes out;
  std::size_t i = 0;
  while (i + 2 <= in.size()) {
    const std::uint8_t b0 = in[i], b1 = in[i + 1];
    std::uint64_t len = b1 & 0x7F;
    std::size_t ext = len == 126 ? 2 : len == 127 ? 8 : 0;
    std::size_t at = i + 2;
    if (ext) {
      len = 0;
      for (std::size_t k = 0; k < ext; ++k) len = (len << 8) | in[at + k];
    }
    out.push_back(b0);
    out.push_back(static_cast<std::uint8_t>(b1 & 0x7F));
    out.insert(out.end(), in.begin() + static_cast<long>(at), in.begin() + static_cast<long>(at + ext));
    at += ext;
    const std::uint8_t* key = in.data() + at;
    at += 4;
    for (std::uint64_t k = 0; k < len; ++k) out.push_back(static_cast<std::uint8_t>(in[at + k] ^ key[k % 4]));
    i = at + static_cast<std::size_t>(len);
  }
  return out;
}

// A copy of an event whose payload outlives the decoder call.
struct Owned {
  EventType type;
  std::string payload;
  bool compressed = false;
  std::optional<std::uint16_t> close_code;
  std::error_code error;
};

inline Owned own(const Event& e) {
  return Owned{e.type, std::string(e.text()), e.compressed, e.close_code, e.error};
}

inline std::vector<Owned> decode_all(bytes_view input, const DecoderConfig& config = {}) {
  Decoder decoder(config);
  decoder.feed(input);
  std::vector<Owned> events;
  while (auto e = decoder.next()) events.push_back(own(*e));
  return events;
}

}  // namespace twinsock::ws::test
