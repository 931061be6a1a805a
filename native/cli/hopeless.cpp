#include "hopeless.hpp"

#include "twinsock/error.hpp"

namespace twinsock::cli {
namespace {

/// The first "HTTP nnn" in `detail`, or 0.
int status_in(std::string_view detail) {
  for (std::size_t at = detail.find("HTTP "); at != std::string_view::npos; at = detail.find("HTTP ", at + 1)) {
    const std::string_view digits = detail.substr(at + 5, 3);
    if (digits.size() == 3 && digits.find_first_not_of("0123456789") == std::string_view::npos)
      return (digits[0] - '0') * 100 + (digits[1] - '0') * 10 + (digits[2] - '0');
  }
  return 0;
}

bool is_certificate_error(std::error_code ec) {
  return ec == errc::tls_cert_expired || ec == errc::tls_cert_not_yet_valid || ec == errc::tls_cert_self_signed ||
         ec == errc::tls_cert_untrusted || ec == errc::tls_cert_wrong_host;
}

}  // namespace

bool retrying_cannot_fix(std::error_code ec, std::string_view detail, int status) {
  if (is_certificate_error(ec) || ec == errc::tls_config) return true;
  if (ec == errc::ws_handshake_bad_upgrade || ec == errc::ws_handshake_bad_connection ||
      ec == errc::ws_handshake_bad_accept || ec == errc::ws_handshake_bad_subprotocol ||
      ec == errc::ws_handshake_bad_extension)
    return true;
  if (ec != errc::ws_handshake_bad_status && ec != errc::http_status) return false;
  if (!status) status = status_in(detail);
  // Timeouts, "too early" and rate limits pass; 5xx is a server that may come back.
  return status >= 300 && status < 500 && status != 408 && status != 425 && status != 429;
}

std::string giving_up_message(std::error_code ec) {
  std::string message = "giving up: another attempt cannot fix this";
  if (is_certificate_error(ec))
    message += " (--ca FILE trusts another CA; --insecure skips verification)";
  return message;
}

}  // namespace twinsock::cli
