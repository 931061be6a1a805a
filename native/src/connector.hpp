// Connector: host name to an open Stream, through every step a client needs:
// resolve, connect (Happy Eyeballs, RFC 8305), HTTP CONNECT through a proxy,
// and the TLS handshake. One attempt per Connector; destroying it cancels.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <system_error>
#include <vector>

#include "resolver.hpp"
#include "stream.hpp"
#include "tls_context.hpp"
#include "twinsock/loop.hpp"
#include "twinsock/native/poll_loop.hpp"

namespace twinsock::native {

struct ProxySettings {
  std::string host;
  std::uint16_t port = 0;
  std::string authorization;  // full Proxy-Authorization value ("Basic ..."), or empty
};

struct ConnectRequest {
  std::string host;  // without brackets for IPv6
  std::uint16_t port = 0;
  bool tls = false;
  std::shared_ptr<TlsContext> tls_context;  // required when tls
  std::optional<ProxySettings> proxy;
  Duration timeout = Duration(10'000);       // whole connect, TLS included
  Duration attempt_delay = Duration(250);    // RFC 8305 §5 "Connection Attempt Delay"
};

class Connector {
 public:
  /// `detail` carries a human explanation (OpenSSL's words, the proxy's status line).
  using Done = std::function<void(std::error_code ec, std::unique_ptr<Stream> stream, std::string detail)>;

  explicit Connector(PollLoop& loop);
  ~Connector();
  Connector(const Connector&) = delete;
  Connector& operator=(const Connector&) = delete;

  /// Starts connecting; `done` runs exactly once on the loop thread (never inside
  /// this call) unless the Connector is destroyed first.
  void start(ConnectRequest request, Done done);

 private:
  struct Attempt;
  void on_resolved(std::error_code ec, std::vector<Address> addresses);
  void start_next_attempt();
  void on_attempt_ready(Attempt* attempt);
  void on_tcp_connected(int fd);
  void start_proxy_connect();
  void on_proxy_readable();
  void start_tls();
  void continue_tls();
  void finish(std::error_code ec, std::string detail = {});
  void succeed();

  PollLoop& loop_;
  ConnectRequest request_;
  Done done_;
  ResolveHandle resolving_;
  Timer deadline_timer_;
  Timer next_attempt_timer_;
  std::vector<Address> addresses_;
  std::size_t next_address_ = 0;
  std::vector<std::unique_ptr<Attempt>> attempts_;
  std::error_code last_error_;
  int fd_ = -1;
  IoWatch watch_;
  SSL* ssl_ = nullptr;
  std::string proxy_response_;
  bytes leftover_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

/// The detail of a connection the server closed before answering at all. A TLS server
/// does that to a plain-text request, hence the hint when `secure` is false.
std::string closed_without_response(bool secure);

}  // namespace twinsock::native
