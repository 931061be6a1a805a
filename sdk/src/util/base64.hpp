// Base64 (RFC 4648 §4, standard alphabet with '=' padding).
#pragma once

#include <string>
#include <string_view>

#include "twinsock/bytes.hpp"

namespace twinsock::base64 {

std::string encode(bytes_view data);

/// Decodes standard base64. Padding may be present or omitted; any other
/// character, misplaced padding or a length of 4n+1 is an error (returns false,
/// `out` is left unspecified).
bool decode(std::string_view text, bytes& out);

}  // namespace twinsock::base64
