#include "connector.hpp"

#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

#include "twinsock/error.hpp"

namespace twinsock::native {

struct Connector::Attempt {
  int fd = -1;
  IoWatch watch;
  ~Attempt() {
    watch.reset();
    if (fd >= 0) ::close(fd);
  }
};

Connector::Connector(PollLoop& loop) : loop_(loop), deadline_timer_(loop), next_attempt_timer_(loop) {}

Connector::~Connector() {
  *alive_ = false;
  watch_.reset();
  if (ssl_) SSL_free(ssl_);
  if (fd_ >= 0) ::close(fd_);
}

void Connector::start(ConnectRequest request, Done done) {
  request_ = std::move(request);
  done_ = std::move(done);
  deadline_timer_.start(request_.timeout, [this] { finish(errc::connect_timeout); });
  const std::string& host = request_.proxy ? request_.proxy->host : request_.host;
  const std::uint16_t port = request_.proxy ? request_.proxy->port : request_.port;
  resolving_ = resolve(loop_, host, port, [this](std::error_code ec, std::vector<Address> addresses) {
    on_resolved(ec, std::move(addresses));
  });
}

void Connector::on_resolved(std::error_code ec, std::vector<Address> addresses) {
  if (ec) return finish(ec, "could not resolve " + (request_.proxy ? request_.proxy->host : request_.host));
  addresses_ = std::move(addresses);
  start_next_attempt();
}

void Connector::start_next_attempt() {
  while (next_address_ < addresses_.size()) {
    const Address& address = addresses_[next_address_++];
    const int fd = ::socket(address.family(), SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
      last_error_ = errno == EMFILE || errno == ENFILE ? errc::out_of_descriptors : errc::connect_failed;
      continue;
    }
    const int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);  // realtime messages: no Nagle delay
    if (::connect(fd, reinterpret_cast<const sockaddr*>(&address.storage), address.length) != 0 &&
        errno != EINPROGRESS) {
      last_error_ = errno == ECONNREFUSED ? std::error_code(errc::connect_refused) : errc::connect_failed;
      ::close(fd);
      continue;
    }
    auto attempt = std::make_unique<Attempt>();
    attempt->fd = fd;
    Attempt* raw = attempt.get();
    attempt->watch = loop_.watch(fd, io_write, [this, raw](std::uint32_t) { on_attempt_ready(raw); });
    attempts_.push_back(std::move(attempt));
    // RFC 8305 §5: give this attempt a head start before racing the next address.
    if (next_address_ < addresses_.size())
      next_attempt_timer_.start(request_.attempt_delay, [this] { start_next_attempt(); });
    return;
  }
  if (attempts_.empty()) {
    finish(last_error_ ? last_error_ : std::error_code(errc::connect_failed),
           request_.proxy ? "could not connect to the proxy " + request_.proxy->host + ":" +
                                std::to_string(request_.proxy->port)
                          : "could not connect to " + request_.host + ":" + std::to_string(request_.port));
  }
}

void Connector::on_attempt_ready(Attempt* attempt) {
  int err = 0;
  socklen_t len = sizeof err;
  getsockopt(attempt->fd, SOL_SOCKET, SO_ERROR, &err, &len);
  if (err == 0) {
    const int fd = attempt->fd;
    attempt->fd = -1;  // keep the socket; drop the other racers
    attempts_.clear();
    next_attempt_timer_.cancel();
    return on_tcp_connected(fd);
  }
  last_error_ = err == ECONNREFUSED ? std::error_code(errc::connect_refused) : errc::connect_failed;
  for (auto it = attempts_.begin(); it != attempts_.end(); ++it) {
    if (it->get() == attempt) {
      attempts_.erase(it);
      break;
    }
  }
  next_attempt_timer_.cancel();
  start_next_attempt();
}

void Connector::on_tcp_connected(int fd) {
  fd_ = fd;
  if (request_.proxy) return start_proxy_connect();
  if (request_.tls) return start_tls();
  succeed();
}

void Connector::start_proxy_connect() {
  const std::string authority = (request_.host.find(':') != std::string::npos ? "[" + request_.host + "]"
                                                                               : request_.host) +
                                ":" + std::to_string(request_.port);
  std::string text = "CONNECT " + authority + " HTTP/1.1\r\nHost: " + authority + "\r\n";
  if (!request_.proxy->authorization.empty())
    text += "Proxy-Authorization: " + request_.proxy->authorization + "\r\n";
  text += "\r\n";
  // The request is tiny: a fresh socket's send buffer always takes it whole.
  if (::send(fd_, text.data(), text.size(), MSG_NOSIGNAL) != static_cast<long>(text.size()))
    return finish(errc::proxy_failed, "could not send CONNECT to the proxy");
  watch_ = loop_.watch(fd_, io_read, [this](std::uint32_t) { on_proxy_readable(); });
}

void Connector::on_proxy_readable() {
  char buffer[4096];
  const long n = ::recv(fd_, buffer, sizeof buffer, 0);
  if (n == 0) return finish(errc::proxy_failed, "proxy closed the connection");
  if (n < 0) {
    if (errno == EAGAIN || errno == EINTR) return;
    return finish(errc::proxy_failed, "proxy connection failed");
  }
  proxy_response_.append(buffer, static_cast<std::size_t>(n));
  const std::size_t end = proxy_response_.find("\r\n\r\n");
  if (end == std::string::npos) {
    if (proxy_response_.size() > 16 * 1024) return finish(errc::proxy_failed, "proxy response head too large");
    return;
  }
  // "HTTP/1.1 200 Connection established": any 2xx opens the tunnel (RFC 9110 §9.3.6).
  const std::string status_line = proxy_response_.substr(0, proxy_response_.find("\r\n"));
  const bool ok = status_line.size() >= 12 && status_line.compare(0, 5, "HTTP/") == 0 &&
                  status_line[status_line.find(' ') + 1] == '2';
  if (!ok) return finish(errc::proxy_failed, "proxy answered: " + status_line);
  const std::string rest = proxy_response_.substr(end + 4);
  leftover_.assign(rest.begin(), rest.end());
  watch_.reset();
  if (request_.tls) return start_tls();
  succeed();
}

void Connector::start_tls() {
  ssl_ = request_.tls_context->new_session(fd_, request_.host);
  if (!ssl_) return finish(errc::tls_failed, "could not create a TLS session");
  if (!leftover_.empty()) return finish(errc::proxy_failed, "proxy sent data before the TLS handshake");
  watch_ = loop_.watch(fd_, io_read | io_write, [this](std::uint32_t) { continue_tls(); });
  continue_tls();
}

void Connector::continue_tls() {
  ERR_clear_error();
  const int rc = SSL_do_handshake(ssl_);
  if (rc == 1) {
    watch_.reset();
    return succeed();
  }
  const int err = SSL_get_error(ssl_, rc);
  if (err == SSL_ERROR_WANT_READ) return watch_.set_interest(io_read);
  if (err == SSL_ERROR_WANT_WRITE) return watch_.set_interest(io_read | io_write);
  std::string detail;
  const std::error_code ec = tls_handshake_error(ssl_, detail);
  finish(ec, detail);
}

void Connector::succeed() {
  watch_.reset();
  deadline_timer_.cancel();
  auto stream = std::make_unique<Stream>(loop_, fd_, ssl_);
  if (!leftover_.empty()) stream->prepend_received(leftover_);
  fd_ = -1;
  ssl_ = nullptr;
  Done done = std::move(done_);
  done_ = nullptr;
  // Deliver on a fresh loop turn: start() promised never to call back inline.
  auto holder = std::make_shared<std::unique_ptr<Stream>>(std::move(stream));
  loop_.post([done = std::move(done), holder, alive = alive_] {
    if (*alive) done({}, std::move(*holder), {});
  });
}

void Connector::finish(std::error_code ec, std::string detail) {
  if (!done_) return;
  resolving_.reset();
  deadline_timer_.cancel();
  next_attempt_timer_.cancel();
  attempts_.clear();
  watch_.reset();
  Done done = std::move(done_);
  done_ = nullptr;
  loop_.post([done = std::move(done), ec, detail = std::move(detail), alive = alive_] {
    if (*alive) done(ec, nullptr, detail);
  });
}

std::string closed_without_response(bool secure) {
  std::string detail = "the server closed the connection without a response";
  if (!secure) detail += " (if that port speaks TLS, use https:// or wss://)";
  return detail;
}

}  // namespace twinsock::native
