// Incremental UTF-8 validation (RFC 3629): rejects overlong forms, surrogates
// and code points above U+10FFFF as soon as the offending byte arrives, so a
// text message can fail fast in the middle of a frame or across fragments.
#pragma once

#include <cstdint>

#include "twinsock/bytes.hpp"

namespace twinsock::utf8 {

class Validator {
 public:
  /// Feeds the next bytes; false once the input can no longer be valid UTF-8.
  bool feed(bytes_view data) noexcept;
  /// True when everything fed so far is valid and ends on a code point boundary.
  bool complete() const noexcept { return !failed_ && need_ == 0; }
  bool failed() const noexcept { return failed_; }
  void reset() noexcept { *this = Validator{}; }

 private:
  std::uint8_t need_ = 0;    // continuation bytes still expected
  std::uint8_t lower_ = 0x80;  // allowed range of the next continuation byte
  std::uint8_t upper_ = 0xBF;
  bool failed_ = false;
};

/// Whole-buffer check.
bool is_valid(bytes_view data) noexcept;

}  // namespace twinsock::utf8
