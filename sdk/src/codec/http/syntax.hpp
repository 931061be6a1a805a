// Small RFC 9110 §5.6 grammar pieces shared by the response parser and the
// WebSocket handshake: quoted-string, parameters, field-value characters.
#pragma once

#include <string>
#include <string_view>

namespace twinsock::http {

/// field-vchar / SP / HTAB (RFC 9110 §5.5); obs-text (0x80-0xFF) allowed.
bool is_field_value_char(unsigned char c) noexcept;

/// Skips SP / HTAB at the front of `in` (BWS / OWS).
void skip_ows(std::string_view& in) noexcept;

/// Consumes a token at the front of `in` into `out`; false if there is none.
bool consume_token(std::string_view& in, std::string_view& out) noexcept;

/// Consumes a quoted-string (RFC 9110 §5.6.4) at the front of `in`, appending its
/// unescaped content to `out`; false (in unspecified) when malformed.
bool consume_quoted_string(std::string_view& in, std::string& out);

/// Consumes `*( BWS ";" BWS name [ BWS "=" BWS ( token / quoted-string ) ] ) BWS`
/// up to the end of `in` (chunk-ext, RFC 9112 §7.1.1); false when malformed.
bool valid_chunk_extensions(std::string_view in);

}  // namespace twinsock::http
