// The SDK's one JSON reader: strict RFC 8259 text into an nlohmann::json value.
//
// Why our own and not nlohmann::json::parse: the same rules on both targets at a
// fraction of the WASM size (nlohmann's lexer, SAX machinery and the libc number
// scanner were ~30 KB of the browser build), and nesting bounded while reading
// rather than by a second scan.
//
// The values it builds are the ones nlohmann's parser builds:
//  - integers without fraction or exponent: number_unsigned when >= 0, else
//    number_integer; outside 64 bits they become number_float (as JSON.parse
//    would read them, rounded);
//  - other numbers: number_float, correctly rounded; one beyond the double range
//    ("1e400") is refused, as nlohmann refuses it (JSON.parse reads Infinity, which
//    JSON text cannot carry: written back it would be null);
//  - duplicate object keys: the last one wins (as JSON.parse);
//  - strings must be UTF-8; escapes are decoded; a lone surrogate escape
//    ("\ud800", which JSON.stringify writes for a string cut inside a pair) reads
//    as U+FFFD: a UTF-8 string cannot carry it, and refusing it would make the
//    whole packet unreadable.
// No comments, trailing commas, NaN, or bytes after the value (whitespace aside;
// a NUL byte too, which nlohmann takes for the end of the input).
#pragma once

#include <cstddef>
#include <string_view>

#include <nlohmann/json.hpp>

namespace twinsock {

enum class JsonParseError {
  none,
  syntax,    // not JSON
  too_deep,  // arrays/objects nested deeper than max_depth
};

/// Parses `text` into `out` (left null on error). `max_depth` bounds the nesting
/// of arrays and objects ("[]" is depth 1), and with it the reader's recursion.
JsonParseError parse_json(std::string_view text, nlohmann::json& out, std::size_t max_depth);

/// parse_json()'s verdict on `text` without building the value: for JSON text
/// that is passed on as it is.
JsonParseError check_json(std::string_view text, std::size_t max_depth);

}  // namespace twinsock
