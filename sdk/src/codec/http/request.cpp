#include "codec/http/request.hpp"

#include "twinsock/error.hpp"
#include "util/base64.hpp"

namespace twinsock::http {
namespace {

bool has_forbidden(std::string_view s) noexcept {
  for (char c : s)
    if (c == '\r' || c == '\n' || c == '\0') return true;
  return false;
}

}  // namespace

std::error_code write_request(const Request& req, std::string& out) {
  if (!is_token(req.method) || req.target.empty() || has_forbidden(req.target) ||
      req.target.find(' ') != std::string::npos)
    return errc::http_invalid_request;
  for (const auto& h : req.headers)
    if (!is_token(h.name) || has_forbidden(h.value)) return errc::http_invalid_request;

  out += req.method;
  out += ' ';
  out += req.target;
  out += " HTTP/1.1\r\n";
  for (const auto& h : req.headers) {
    out += h.name;
    out += ": ";
    out += h.value;
    out += "\r\n";
  }
  if (!req.body.empty() && !find_header(req.headers, "content-length") &&
      !find_header(req.headers, "transfer-encoding"))
    out += "Content-Length: " + std::to_string(req.body.size()) + "\r\n";
  out += "\r\n";
  out += req.body;
  return {};
}

std::string basic_auth(std::string_view user, std::string_view pass) {
  std::string credentials(user);
  credentials += ':';
  credentials += pass;
  return "Basic " + base64::encode(as_bytes(credentials));
}

}  // namespace twinsock::http
