#include "codec/sse/utf8_decoder.hpp"

namespace twinsock::sse {
namespace {

constexpr char kReplacement[] = "\xEF\xBF\xBD";  // U+FFFD

}  // namespace

// Follows the WHATWG Encoding "UTF-8 decoder" handler step by step; the only
// difference is that a valid sequence is copied as its original bytes.
void Utf8Decoder::decode(bytes_view input, std::string& out) {
  std::size_t i = 0;
  while (i < input.size()) {
    const std::uint8_t b = input[i];
    if (needed_ == 0) {
      ++i;
      if (b < 0x80) {
        // Copy the whole ASCII run at once: the common case.
        std::size_t j = i;
        while (j < input.size() && input[j] < 0x80) ++j;
        out.append(reinterpret_cast<const char*>(input.data()) + i - 1, j - i + 1);
        i = j;
        continue;
      }
      if (b >= 0xC2 && b <= 0xDF) {
        needed_ = 1;
      } else if (b >= 0xE0 && b <= 0xEF) {
        if (b == 0xE0) lower_ = 0xA0;  // no overlong forms
        if (b == 0xED) upper_ = 0x9F;  // no surrogates
        needed_ = 2;
      } else if (b >= 0xF0 && b <= 0xF4) {
        if (b == 0xF0) lower_ = 0x90;  // no overlong forms
        if (b == 0xF4) upper_ = 0x8F;  // nothing above U+10FFFF
        needed_ = 3;
      } else {
        out += kReplacement;
        continue;
      }
      pending_[0] = static_cast<char>(b);
      continue;
    }
    if (b < lower_ || b > upper_) {
      // The sequence so far is one error; the byte is "restored to the stream"
      // and decoded afresh (not consumed: i stays).
      needed_ = seen_ = 0;
      lower_ = 0x80;
      upper_ = 0xBF;
      out += kReplacement;
      continue;
    }
    ++i;
    lower_ = 0x80;
    upper_ = 0xBF;
    pending_[++seen_] = static_cast<char>(b);
    if (seen_ == needed_) {
      out.append(pending_, needed_ + 1u);
      needed_ = seen_ = 0;
    }
  }
}

void Utf8Decoder::flush(std::string& out) {
  if (needed_ != 0) out += kReplacement;
  reset();
}

}  // namespace twinsock::sse
