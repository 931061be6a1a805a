// A small MessagePack reader/writer for nlohmann::json with the choices of
// notepack.io 2.2, the codec of socket.io-msgpack-parser 3.0 (MessagePack spec:
// github.com/msgpack/msgpack/blob/master/spec.md).
//
// Writing (as notepack's encode):
//  - integers in the smallest form (positive fixint, uint 8..64, negative fixint,
//    int 8..64); a float with an integral value in the 64-bit range is written as
//    an integer too (notepack tests Math.floor(v) === v), so -0.0 becomes 0;
//    other floats, NaN and infinities as float 64 (notepack never writes float 32);
//  - strings as fixstr / str 8 / str 16 / str 32 (ill-formed UTF-8 replaced by U+FFFD);
//  - json::binary_t as bin 8/16/32 (a Node Buffer); arrays and maps by size;
//  - map keys in nlohmann's sorted order; a discarded value as `undefined` (fixext 1, type 0).
// Reading (every format of the spec, plus notepack's extensions):
//  - nil, bool, all ints (non-negative ones as number_unsigned), float 32/64, str
//    (ill-formed UTF-8 replaced by U+FFFD, as notepack reads it), bin;
//  - ext type 0 of any length (ext 8/16/32): an ArrayBuffer, read as binary;
//  - fixext 1 type 0: `undefined`, handled as JSON.stringify does: dropped from a
//    map, null in an array, a discarded json at the top;
//  - fixext 8 type 0: a Date (int64 ms), read as JSON.stringify writes it, the
//    ISO string "1970-01-01T00:00:00.000Z" (null outside the JS Date range);
//  - any other ext: [type, bin] as notepack returns it (notepack 3 reads ext
//    type 1 as a BigInt; 2.2, which the parser depends on, does not);
//  - map keys must be strings (msgpack_bad_format; JS would stringify them);
//    a repeated key keeps the last value, as in JS;
//  - 0xc1 is msgpack_bad_format; trailing bytes msgpack_trailing_bytes; a length
//    or count beyond the remaining bytes msgpack_truncated (checked before anything
//    is allocated, each element needing at least one byte); nesting beyond
//    max_depth msgpack_too_deep; more bin values than max_binaries sio_too_many_attachments.
#pragma once

#include <cstddef>
#include <system_error>

#include <nlohmann/json.hpp>

#include "twinsock/bytes.hpp"

namespace twinsock::sio::msgpack {

struct ReadLimits {
  std::size_t max_depth = 64;  // nested arrays/maps; the outermost container is depth 1
  std::size_t max_binaries = static_cast<std::size_t>(-1);
};

/// Reads exactly one value filling `in`.
std::error_code read(bytes_view in, nlohmann::json& out, const ReadLimits& limits = {});

/// Appends the encoding of `value` to `out`.
void write(const nlohmann::json& value, bytes& out);

}  // namespace twinsock::sio::msgpack
