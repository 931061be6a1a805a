// An HTTP header as the clients take them (extra handshake headers, SSE headers).
#pragma once

#include <string>
#include <vector>

namespace twinsock {

struct Header {
  std::string name;
  std::string value;
  bool operator==(const Header&) const = default;
};

using Headers = std::vector<Header>;

}  // namespace twinsock
