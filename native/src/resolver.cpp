#include "resolver.hpp"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>

#include <cstring>
#include <optional>
#include <thread>

#include "twinsock/error.hpp"

namespace twinsock::native {
namespace {

std::vector<Address> lookup(const std::string& host, std::uint16_t port) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_ADDRCONFIG;
  addrinfo* result = nullptr;
  const std::string service = std::to_string(port);
  std::vector<Address> out;
  if (getaddrinfo(host.c_str(), service.c_str(), &hints, &result) != 0) {
    // AI_ADDRCONFIG hides ::1 on hosts without a global IPv6 address; retry without it.
    hints.ai_flags &= ~AI_ADDRCONFIG;
    if (getaddrinfo(host.c_str(), service.c_str(), &hints, &result) != 0) return out;
  }
  for (addrinfo* ai = result; ai; ai = ai->ai_next) {
    if (ai->ai_family != AF_INET && ai->ai_family != AF_INET6) continue;
    Address a;
    std::memcpy(&a.storage, ai->ai_addr, ai->ai_addrlen);
    a.length = ai->ai_addrlen;
    out.push_back(a);
  }
  freeaddrinfo(result);
  return interleave_families(std::move(out));
}

// An IP literal needs no lookup at all (getaddrinfo would still ask netlink and
// nscd, a millisecond or two of a cold connect).
std::optional<Address> literal_address(const std::string& host, std::uint16_t port) {
  Address a;
  auto* v4 = reinterpret_cast<sockaddr_in*>(&a.storage);
  if (inet_pton(AF_INET, host.c_str(), &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons(port);
    a.length = sizeof(sockaddr_in);
    return a;
  }
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&a.storage);
  if (inet_pton(AF_INET6, host.c_str(), &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(port);
    a.length = sizeof(sockaddr_in6);
    return a;
  }
  return std::nullopt;
}

}  // namespace

std::string Address::to_string() const {
  char text[INET6_ADDRSTRLEN] = {};
  if (family() == AF_INET) {
    const auto* in = reinterpret_cast<const sockaddr_in*>(&storage);
    inet_ntop(AF_INET, &in->sin_addr, text, sizeof text);
    return std::string(text) + ":" + std::to_string(ntohs(in->sin_port));
  }
  const auto* in6 = reinterpret_cast<const sockaddr_in6*>(&storage);
  inet_ntop(AF_INET6, &in6->sin6_addr, text, sizeof text);
  return "[" + std::string(text) + "]:" + std::to_string(ntohs(in6->sin6_port));
}

std::vector<Address> interleave_families(std::vector<Address> addresses) {
  if (addresses.empty()) return addresses;
  const int first = addresses.front().family();
  std::vector<Address> primary, secondary, out;
  for (auto& a : addresses) (a.family() == first ? primary : secondary).push_back(a);
  for (std::size_t i = 0; i < primary.size() || i < secondary.size(); ++i) {
    if (i < primary.size()) out.push_back(primary[i]);
    if (i < secondary.size()) out.push_back(secondary[i]);
  }
  return out;
}

ResolveHandle resolve(PollLoop& loop, const std::string& host, std::uint16_t port,
                      std::function<void(std::error_code, std::vector<Address>)> on_done) {
  auto cancelled = std::make_shared<std::atomic<bool>>(false);
  auto deliver = [cancelled, on_done = std::move(on_done)](std::vector<Address> addresses) {
    if (*cancelled) return;
    if (addresses.empty()) on_done(errc::dns_failed, {});
    else on_done({}, std::move(addresses));
  };
  if (auto literal = literal_address(host, port)) {
    loop.post([deliver, address = *literal] { deliver({address}); });
    return ResolveHandle(cancelled);
  }
  std::thread([poster = loop.poster(), cancelled, deliver, host, port] {
    if (*cancelled) return;
    auto addresses = lookup(host, port);
    poster->post([deliver, addresses = std::move(addresses)]() mutable { deliver(std::move(addresses)); });
  }).detach();
  return ResolveHandle(cancelled);
}

}  // namespace twinsock::native
