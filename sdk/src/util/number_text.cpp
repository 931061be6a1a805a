// The C library's conversions (natively; the WASM build uses web/numbers/number_text.cpp).
#include "util/number_text.hpp"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace twinsock::number_text {

double parse_double(std::string_view token) {
  const std::string text(token);  // strtod needs the terminating NUL
  return std::strtod(text.c_str(), nullptr);
}

// x = 0.d1d2...dk × 10^n, with the fewest digits k that read back as x (correctly
// rounded, so the closest such decimal, as the spec asks), placed by n.
void append_ecmascript(double value, std::string& out) {
  if (value == 0) {
    out += '0';  // also -0
    return;
  }
  // Assumes the "C" numeric locale.
  char buf[40];
  int len = 0;
  for (int precision = 0; precision < 17; ++precision) {
    len = std::snprintf(buf, sizeof buf, "%.*e", precision, value);
    if (std::strtod(buf, nullptr) == value) break;
  }
  std::string_view sci(buf, static_cast<std::size_t>(len));  // "-1.2345e+05"
  if (sci.front() == '-') {
    out += '-';
    sci.remove_prefix(1);
  }
  const std::size_t e = sci.find('e');
  std::string digits;
  for (char c : sci.substr(0, e))
    if (c != '.') digits += c;
  const int exp10 = std::atoi(std::string(sci.substr(e + 1)).c_str());
  const int k = static_cast<int>(digits.size());
  const int n = exp10 + 1;
  if (k <= n && n <= 21) {
    out += digits;
    out.append(static_cast<std::size_t>(n - k), '0');
  } else if (0 < n && n <= 21) {
    out.append(digits, 0, static_cast<std::size_t>(n));
    out += '.';
    out.append(digits, static_cast<std::size_t>(n));
  } else if (-6 < n && n <= 0) {
    out += "0.";
    out.append(static_cast<std::size_t>(-n), '0');
    out += digits;
  } else {
    out += digits[0];
    if (k > 1) {
      out += '.';
      out.append(digits, 1);
    }
    out += 'e';
    out += n - 1 >= 0 ? '+' : '-';
    char exp_digits[8];
    const auto r = std::to_chars(exp_digits, exp_digits + sizeof exp_digits, std::abs(n - 1));
    out.append(exp_digits, r.ptr);
  }
}

}  // namespace twinsock::number_text
