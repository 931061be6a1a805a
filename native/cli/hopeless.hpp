// Failures that another attempt cannot fix: the server's certificate is not
// trusted, or the server refused the request (HTTP 3xx/4xx, or an answer that is
// no WebSocket handshake). wscat exits on them; so do our commands when no
// connection was ever made, instead of retrying for ever.
#pragma once

#include <string>
#include <string_view>
#include <system_error>

namespace twinsock::cli {

/// Whether retrying cannot help after `ec` (`detail` as the client reported it;
/// `status` the HTTP status when the caller knows it, else 0: it is then read
/// from the detail's "HTTP nnn").
bool retrying_cannot_fix(std::error_code ec, std::string_view detail, int status = 0);

/// The status line printed when a command gives up for that reason, with a hint
/// where one helps ("--ca FILE or --insecure" for certificates).
std::string giving_up_message(std::error_code ec);

}  // namespace twinsock::cli
