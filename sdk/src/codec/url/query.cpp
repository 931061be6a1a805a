#include "codec/url/query.hpp"

#include "codec/url/percent.hpp"

namespace twinsock::url {

std::string encode_query(const QueryList& params) {
  std::string out;
  for (const auto& p : params) {
    if (!out.empty()) out += '&';
    out += encode_component(p.key);
    out += '=';
    out += encode_component(p.value);
  }
  return out;
}

std::error_code decode_query(std::string_view query, QueryList& out) {
  out.clear();
  while (!query.empty()) {
    const std::size_t amp = query.find('&');
    const std::string_view piece = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
    if (piece.empty()) continue;
    const std::size_t eq = piece.find('=');
    QueryParam param;
    if (auto ec = decode(piece.substr(0, eq), param.key, true)) return ec;
    if (eq != std::string_view::npos)
      if (auto ec = decode(piece.substr(eq + 1), param.value, true)) return ec;
    out.push_back(std::move(param));
  }
  return {};
}

const std::string* find_param(const QueryList& params, std::string_view key) {
  for (const auto& p : params)
    if (p.key == key) return &p.value;
  return nullptr;
}

}  // namespace twinsock::url
