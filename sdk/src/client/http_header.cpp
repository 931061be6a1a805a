#include "twinsock/http_transport.hpp"

namespace twinsock {

const std::string* find_header(const Headers& headers, std::string_view name) {
  for (const Header& h : headers) {
    if (h.name.size() != name.size()) continue;
    bool same = true;
    for (std::size_t i = 0; i < name.size() && same; ++i) {
      char a = h.name[i], b = name[i];
      if (a >= 'A' && a <= 'Z') a = static_cast<char>(a - 'A' + 'a');
      if (b >= 'A' && b <= 'Z') b = static_cast<char>(b - 'A' + 'a');
      same = a == b;
    }
    if (same) return &h.value;
  }
  return nullptr;
}

}  // namespace twinsock
