// Numbers as JSON text, as ECMAScript reads and writes them.
//
// Natively these use the C library (strtod, snprintf: number_text.cpp); the WASM
// build asks the JavaScript engine, which implements exactly these algorithms
// (web/numbers/number_text.cpp) — and leaves libc's float scanner and printf,
// with their long-double arithmetic (~17 KB of wasm), out of the browser build.
#pragma once

#include <string>
#include <string_view>

namespace twinsock::number_text {

/// The double nearest to a JSON number token (correctly rounded; overflow gives
/// ±infinity, as JSON.parse does).
double parse_double(std::string_view token);

/// Appends ECMA-262 Number::toString(value) (radix 10): "1", "0.5", "1e+21",
/// "1e-7", "-2.5". The caller handles NaN and infinities (JSON writes null).
void append_ecmascript(double value, std::string& out);

}  // namespace twinsock::number_text
