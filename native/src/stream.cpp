#include "stream.hpp"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

#include "twinsock/error.hpp"

namespace twinsock::native {
namespace {

constexpr std::size_t kReadChunk = 64 * 1024;

std::error_code from_errno(int err) {
  if (err == ECONNRESET || err == EPIPE) return errc::connection_reset;
  return errc::io_error;
}

}  // namespace

Stream::Stream(PollLoop& loop, int fd, SSL* ssl) : loop_(loop), fd_(fd), ssl_(ssl) {
  watch_ = loop_.watch(fd_, io_read, [this](std::uint32_t events) { on_ready(events); });
}

Stream::~Stream() {
  *alive_ = false;
  close();
}

void Stream::set_handler(StreamHandler* handler) {
  handler_ = handler;
  if (handler_ && !pending_in_.empty()) {
    loop_.post([this, alive = alive_] {
      if (!*alive || !handler_ || pending_in_.empty()) return;
      bytes data = std::move(pending_in_);
      pending_in_.clear();
      handler_->on_stream_data(data);
    });
  }
}

void Stream::write(bytes_view data) {
  if (fd_ < 0 || want_shutdown_) return;
  out_.append(reinterpret_cast<const char*>(data.data()), data.size());
  // Flush on the next loop turn so writes queued in one callback share a syscall.
  if (buffered_amount() == data.size()) {
    loop_.post([this, alive = alive_] {
      if (*alive) flush();
    });
  }
}

void Stream::shutdown_after_flush() {
  want_shutdown_ = true;
  loop_.post([this, alive = alive_] {
    if (*alive) flush();
  });
}

void Stream::close() {
  watch_.reset();
  if (ssl_) {
    SSL_free(ssl_);
    ssl_ = nullptr;
  }
  if (fd_ >= 0) {
    ::close(fd_);
    fd_ = -1;
  }
  handler_ = nullptr;
}

void Stream::fail(std::error_code ec) {
  StreamHandler* handler = handler_;
  close();
  if (handler) handler->on_stream_closed(ec);
}

void Stream::on_ready(std::uint32_t events) {
  auto alive = alive_;
  const bool read_blocked_on_write = ssl_wants_write_;  // an SSL_read that needed the socket writable
  if (events & io_write) flush();
  if (!*alive || fd_ < 0) return;
  if ((events & (io_read | io_error)) || read_blocked_on_write) read_available();
}

void Stream::read_available() {
  auto alive = alive_;
  std::uint8_t buffer[kReadChunk];
  // Bounded: at most 16 reads per wake-up, so one busy socket cannot starve the loop.
  for (int round = 0; round < 16 && fd_ >= 0; ++round) {
    long n;
    if (ssl_) {
      ERR_clear_error();
      n = SSL_read(ssl_, buffer, sizeof buffer);
      if (n <= 0) {
        const int err = SSL_get_error(ssl_, static_cast<int>(n));
        if (err == SSL_ERROR_WANT_READ) break;
        if (err == SSL_ERROR_WANT_WRITE) {
          ssl_wants_write_ = true;
          update_interest();
          break;
        }
        if (err == SSL_ERROR_ZERO_RETURN) return fail(errc::connection_closed);
        if (err == SSL_ERROR_SYSCALL && errno == 0) return fail(errc::connection_closed);
        return fail(err == SSL_ERROR_SYSCALL ? from_errno(errno) : errc::tls_failed);
      }
    } else {
      n = ::recv(fd_, buffer, sizeof buffer, 0);
      if (n == 0) return fail(errc::connection_closed);
      if (n < 0) {
        if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) break;
        return fail(from_errno(errno));
      }
    }
    if (handler_) handler_->on_stream_data(bytes_view(buffer, static_cast<std::size_t>(n)));
    else pending_in_.insert(pending_in_.end(), buffer, buffer + n);  // no reader yet: keep it
    if (!*alive) return;
    if (static_cast<std::size_t>(n) < sizeof buffer && !(ssl_ && SSL_pending(ssl_) > 0)) break;
  }
}

void Stream::flush() {
  if (fd_ < 0) return;
  while (out_offset_ < out_.size()) {
    const char* data = out_.data() + out_offset_;
    const std::size_t size = out_.size() - out_offset_;
    long n;
    if (ssl_) {
      ERR_clear_error();
      n = SSL_write(ssl_, data, static_cast<int>(size > (1u << 30) ? (1u << 30) : size));
      if (n <= 0) {
        const int err = SSL_get_error(ssl_, static_cast<int>(n));
        if (err == SSL_ERROR_WANT_WRITE || err == SSL_ERROR_WANT_READ) break;
        return fail(err == SSL_ERROR_SYSCALL ? from_errno(errno) : errc::tls_failed);
      }
    } else {
      n = ::send(fd_, data, size, MSG_NOSIGNAL);
      if (n < 0) {
        if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) break;
        return fail(from_errno(errno));
      }
    }
    out_offset_ += static_cast<std::size_t>(n);
  }
  if (out_offset_ == out_.size()) {
    // An idle connection keeps no large buffer (thousands of them add up); small ones stay for the next write.
    if (out_.capacity() > kKeptWriteBuffer) std::string().swap(out_);
    else out_.clear();
    out_offset_ = 0;
    ssl_wants_write_ = false;
    if (want_shutdown_) {
      if (ssl_) SSL_shutdown(ssl_);
      ::shutdown(fd_, SHUT_WR);
    }
  } else if (out_offset_ > (1u << 20)) {
    out_.erase(0, out_offset_);  // keep the buffer from growing without bound on slow peers
    out_offset_ = 0;
  }
  update_interest();
}

void Stream::update_interest() {
  if (fd_ < 0) return;
  std::uint32_t events = io_read;
  if (buffered_amount() > 0 || ssl_wants_write_) events |= io_write;
  if (events == interest_) return;  // spare the epoll_ctl syscall
  interest_ = events;
  watch_.set_interest(events);
}

}  // namespace twinsock::native
