// JSON text exactly as JavaScript's JSON.stringify writes it (ECMA-262
// §25.5.2.2 SerializeJSONProperty), so encoded packets match socket.io-parser
// byte for byte:
//  - no whitespace; object members in nlohmann's (sorted) key order;
//  - strings: only `"`, `\`, and controls below U+0020 are escaped (\b \f \n \r \t,
//    else \u00xx in lowercase hex); ill-formed UTF-8 becomes U+FFFD (WHATWG
//    "maximal subpart" replacement), as a JS string would carry it;
//  - numbers: integers exactly (a JS peer rounds those above 2^53);
//    floats with Number::toString (§6.1.6.1.20): "1", "0.5", "1e+21", "1e-7";
//    NaN and infinities as null, -0 as 0;
//  - binary values: as placeholders {"_placeholder":true,"num":N} collected in
//    `attachments` when it is given (socket.io-parser deconstructPacket), else as
//    Node's Buffer#toJSON form {"type":"Buffer","data":[1,2,3]};
//  - a discarded value is written as null.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "twinsock/bytes.hpp"

namespace twinsock {

/// Appends the JSON text of `value` to `out` (see above).
void write_json(const nlohmann::json& value, std::string& out, std::vector<bytes>* attachments = nullptr);

/// Appends `text` as a JSON string (quoted and escaped as above).
void write_json_string(std::string_view text, std::string& out);

/// Appends `text` with every ill-formed UTF-8 sequence replaced by U+FFFD.
void append_utf8_replacing(std::string_view text, std::string& out);

/// Appends a double as JavaScript's Number::toString writes it.
void append_js_number(double value, std::string& out);

}  // namespace twinsock
