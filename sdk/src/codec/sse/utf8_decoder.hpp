// Incremental "UTF-8 decode" with replacement (WHATWG Encoding §4.1 and the
// UTF-8 decoder of §8.1.1): every ill-formed subsequence becomes one U+FFFD,
// so the output is always valid UTF-8 whatever the input and however it is cut.
#pragma once

#include <cstdint>
#include <string>

#include "twinsock/bytes.hpp"

namespace twinsock::sse {

class Utf8Decoder {
 public:
  /// Appends the decoded text of `input` to `out`. A sequence cut by the end of
  /// `input` is held back until the next call completes (or breaks) it.
  void decode(bytes_view input, std::string& out);
  /// End of the byte stream: an unfinished sequence becomes one U+FFFD.
  void flush(std::string& out);
  void reset() noexcept { *this = Utf8Decoder{}; }

 private:
  std::uint8_t needed_ = 0;  // "UTF-8 bytes needed"
  std::uint8_t seen_ = 0;    // "UTF-8 bytes seen"
  std::uint8_t lower_ = 0x80;  // "UTF-8 lower boundary"
  std::uint8_t upper_ = 0xBF;  // "UTF-8 upper boundary"
  char pending_[4] = {};     // the lead byte and the continuation bytes seen so far
};

}  // namespace twinsock::sse
