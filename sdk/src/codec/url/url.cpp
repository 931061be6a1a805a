#include "codec/url/url.hpp"

#include "codec/url/percent.hpp"

namespace twinsock::url {
namespace {

std::string decoded(const std::string& text) {
  std::string out;
  if (decode(text, out)) return text;  // not produced by parse(): keep it as it is
  return out;
}

}  // namespace

std::string Url::decoded_username() const { return decoded(username); }
std::string Url::decoded_password() const { return decoded(password); }

std::string Url::host_for_header() const {
  std::string out = host_kind == HostKind::ipv6 ? "[" + host + "]" : host;
  if (!has_default_port()) out += ":" + std::to_string(port);
  return out;
}

std::string Url::target() const {
  std::string out = path.empty() ? "/" : path;
  if (!query.empty()) out += "?" + query;
  return out;
}

std::string Url::origin() const { return scheme + "://" + host_for_header(); }

std::string Url::href() const {
  std::string out = scheme + "://";
  if (has_userinfo()) {
    out += username;
    if (!password.empty()) out += ":" + password;
    out += "@";
  }
  return out + host_for_header() + target();
}

Url Url::with_websocket_scheme() const {
  Url copy = *this;
  if (scheme == "http") copy.scheme = "ws";
  if (scheme == "https") copy.scheme = "wss";
  return copy;
}

Url Url::with_http_scheme() const {
  Url copy = *this;
  if (scheme == "ws") copy.scheme = "http";
  if (scheme == "wss") copy.scheme = "https";
  return copy;
}

}  // namespace twinsock::url
