#include "output.hpp"

#include <algorithm>
#include <cstdio>

#include "twinsock/error.hpp"

namespace twinsock::cli {

void Output::event(const nlohmann::ordered_json& object) {
  // Invalid UTF-8 (a binary SSE payload, a bad reason) is replaced, never fatal.
  const std::string line = object.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  std::fwrite(line.data(), 1, line.size(), stdout);
  std::fputc('\n', stdout);
  std::fflush(stdout);
}

void Output::data(std::string_view line) {
  std::fwrite(line.data(), 1, line.size(), stdout);
  std::fputc('\n', stdout);
  std::fflush(stdout);
}

void Output::status(std::string_view line) {
  std::fprintf(stderr, "%.*s\n", static_cast<int>(line.size()), line.data());
}

void Output::error(std::error_code ec, std::string_view detail) {
  if (json_) {
    event({{"type", "error"},
           {"code", std::string(error_id(ec))},
           {"message", detail.empty() ? ec.message() : std::string(detail)}});
    return;
  }
  const std::string message = ec.message();
  if (detail == message) detail = {};  // a detail that only repeats the message says nothing more
  std::fprintf(stderr, "error: %s (%s)%s%.*s\n", message.c_str(), std::string(error_id(ec)).c_str(),
               detail.empty() ? "" : ": ", static_cast<int>(detail.size()), detail.data());
}

void Output::trace(std::string_view line) {
  std::fprintf(stderr, "%.*s\n", static_cast<int>(line.size()), line.data());
}

std::string without_password(std::string_view url) {
  const std::size_t authority = url.find("://");
  if (authority == std::string_view::npos) return std::string(url);
  const std::size_t start = authority + 3;
  const std::size_t end = std::min(url.find_first_of("/?#", start), url.size());
  const std::size_t at = url.rfind('@', end);
  if (at == std::string_view::npos || at < start) return std::string(url);
  const std::size_t colon = url.find(':', start);
  if (colon == std::string_view::npos || colon > at) return std::string(url);
  return std::string(url.substr(0, colon + 1)) + "***" + std::string(url.substr(at));
}

std::string to_hex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out += kDigits[c >> 4];
    out += kDigits[c & 15];
  }
  return out;
}

bool from_hex(std::string_view text, std::string& out) {
  out.clear();
  int high = -1;
  for (char c : text) {
    if (c == ' ' || c == '\t') continue;
    int v;
    if (c >= '0' && c <= '9')
      v = c - '0';
    else if (c >= 'a' && c <= 'f')
      v = c - 'a' + 10;
    else if (c >= 'A' && c <= 'F')
      v = c - 'A' + 10;
    else
      return false;
    if (high < 0) {
      high = v;
    } else {
      out += static_cast<char>(high * 16 + v);
      high = -1;
    }
  }
  return high < 0;
}

}  // namespace twinsock::cli
