// The browser platform's number conversions (util/number_text.hpp): the
// JavaScript engine's own Number() and Number::toString, exactly the algorithms
// the JSON text needs, so libc's float scanner and printf (with their long-double
// arithmetic, ~17 KB of wasm) stay out of the browser build. Compiled into
// twinsock_common for Emscripten instead of sdk/src/util/number_text.cpp.
#include "util/number_text.hpp"

#include <emscripten/em_macros.h>  // EMSCRIPTEN_KEEPALIVE, which em_js.h uses
#include <emscripten/em_js.h>

// The engine's own conversions. Tokens and results are ASCII, copied byte by byte.
// clang-format off
EM_JS(double, twinsock_js_parse_number, (const char* text, int length), {
  return Number(String.fromCharCode.apply(null, HEAPU8.subarray(text, text + length)));
});
EM_JS(int, twinsock_js_number_to_string, (double value, char* out, int capacity), {
  var s = String(value);
  var n = Math.min(s.length, capacity);
  for (var i = 0; i < n; ++i) HEAPU8[out + i] = s.charCodeAt(i);
  return n;
});
// clang-format on

namespace twinsock::number_text {

double parse_double(std::string_view token) {
  return twinsock_js_parse_number(token.data(), static_cast<int>(token.size()));
}

void append_ecmascript(double value, std::string& out) {
  char buf[32];  // the longest form is 24 characters ("-1.2345678901234567e-308")
  const int n = twinsock_js_number_to_string(value, buf, static_cast<int>(sizeof buf));
  out.append(buf, static_cast<std::size_t>(n));
}

}  // namespace twinsock::number_text
