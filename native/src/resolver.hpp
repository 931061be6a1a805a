// Non-blocking name resolution.
//
// getaddrinfo() on a short-lived worker thread that posts the answer back to the
// loop: it honours /etc/hosts, nsswitch and the system resolver configuration
// exactly like every other program on the machine, and needs no extra library
// (c-ares would add a dependency and a second fd to manage per lookup).
// Literal IPv4/IPv6 addresses skip the thread.
#pragma once

#include <sys/socket.h>

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <system_error>
#include <vector>

#include "twinsock/native/poll_loop.hpp"

namespace twinsock::native {

struct Address {
  sockaddr_storage storage{};
  socklen_t length = 0;
  int family() const { return storage.ss_family; }
  std::string to_string() const;  // "127.0.0.1:80", "[::1]:443"
};

/// Cancels a pending lookup when destroyed (or on reset()): its callback never runs.
class ResolveHandle {
 public:
  ResolveHandle() = default;
  explicit ResolveHandle(std::shared_ptr<std::atomic<bool>> cancelled) : cancelled_(std::move(cancelled)) {}
  ResolveHandle(ResolveHandle&&) noexcept = default;
  ResolveHandle& operator=(ResolveHandle&& other) noexcept {
    reset();
    cancelled_ = std::move(other.cancelled_);
    return *this;
  }
  ~ResolveHandle() { reset(); }
  void reset() {
    if (cancelled_) *cancelled_ = true;
    cancelled_.reset();
  }

 private:
  std::shared_ptr<std::atomic<bool>> cancelled_;
};

/// Resolves `host` (a name or an IP literal) for TCP on `port`. The callback runs
/// on the loop thread, never inside this call, with the addresses ordered for
/// Happy Eyeballs (RFC 8305 §4: families interleaved, the first family first),
/// or with errc::dns_failed. Loop affinity: loop thread.
ResolveHandle resolve(PollLoop& loop, const std::string& host, std::uint16_t port,
                      std::function<void(std::error_code, std::vector<Address>)> on_done);

/// Interleaves address families, keeping the order within each family.
std::vector<Address> interleave_families(std::vector<Address> addresses);

}  // namespace twinsock::native
