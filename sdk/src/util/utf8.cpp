#include "util/utf8.hpp"

namespace twinsock::utf8 {

// The byte ranges follow the "well-formed UTF-8 byte sequences" table of
// Unicode 15 §3.9 (Table 3-7): the first byte fixes the range of the second.
bool Validator::feed(bytes_view data) noexcept {
  if (failed_) return false;
  for (const std::uint8_t b : data) {
    if (need_ == 0) {
      if (b < 0x80) continue;
      lower_ = 0x80;
      upper_ = 0xBF;
      if (b >= 0xC2 && b <= 0xDF) {
        need_ = 1;
      } else if (b >= 0xE0 && b <= 0xEF) {
        need_ = 2;
        if (b == 0xE0) lower_ = 0xA0;       // no overlong 3-byte forms
        else if (b == 0xED) upper_ = 0x9F;  // no UTF-16 surrogates
      } else if (b >= 0xF0 && b <= 0xF4) {
        need_ = 3;
        if (b == 0xF0) lower_ = 0x90;       // no overlong 4-byte forms
        else if (b == 0xF4) upper_ = 0x8F;  // nothing above U+10FFFF
      } else {
        failed_ = true;
        return false;
      }
      continue;
    }
    if (b < lower_ || b > upper_) {
      failed_ = true;
      return false;
    }
    lower_ = 0x80;
    upper_ = 0xBF;
    --need_;
  }
  return true;
}

bool is_valid(bytes_view data) noexcept {
  Validator v;
  return v.feed(data) && v.complete();
}

}  // namespace twinsock::utf8
