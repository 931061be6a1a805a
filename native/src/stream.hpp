// A connected byte stream: a non-blocking TCP socket, optionally wrapped in TLS.
//
// Reads are delivered as they arrive; writes are buffered and flushed as the
// socket allows, coalescing everything queued in one callback into as few
// syscalls as possible. The stream owns the fd and the SSL object.
// Callbacks (on the loop thread) may destroy the stream.
#pragma once

#include <memory>
#include <string>
#include <system_error>

#include "twinsock/bytes.hpp"
#include "twinsock/native/poll_loop.hpp"

typedef struct ssl_st SSL;

namespace twinsock::native {

class StreamHandler {
 public:
  virtual ~StreamHandler() = default;
  virtual void on_stream_data(bytes_view data) = 0;
  /// The stream ended: errc::connection_closed on a clean EOF, else the failure.
  /// Called once; nothing is called after it.
  virtual void on_stream_closed(std::error_code ec) = 0;
};

class Stream {
 public:
  /// Takes ownership of `fd` (connected, non-blocking) and `ssl` (handshake done, or null).
  Stream(PollLoop& loop, int fd, SSL* ssl);
  ~Stream();
  Stream(const Stream&) = delete;
  Stream& operator=(const Stream&) = delete;

  /// Starts delivering data to `handler` (not owned; must outlive the stream or
  /// detach with set_handler(nullptr)). Bytes already received are delivered later via post.
  void set_handler(StreamHandler* handler);

  /// Queues bytes; they are sent as soon as the socket is writable.
  void write(bytes_view data);
  /// Bytes queued but not yet handed to the kernel.
  std::size_t buffered_amount() const { return out_.size() - out_offset_; }
  /// Sends FIN (after a TLS close_notify) once the queue is flushed.
  void shutdown_after_flush();
  /// Closes at once, dropping anything queued. No callback follows.
  void close();
  bool is_open() const { return fd_ >= 0; }
  bool is_tls() const { return ssl_ != nullptr; }

  /// Bytes the connector read past its own handshakes; delivered first.
  void prepend_received(bytes_view data) { pending_in_.insert(pending_in_.end(), data.begin(), data.end()); }

 private:
  void on_ready(std::uint32_t events);
  void flush();
  void read_available();
  void fail(std::error_code ec);
  void update_interest();

  PollLoop& loop_;
  int fd_;
  SSL* ssl_;
  IoWatch watch_;
  StreamHandler* handler_ = nullptr;
  static constexpr std::size_t kKeptWriteBuffer = 128;
  std::string out_;
  std::size_t out_offset_ = 0;
  bytes pending_in_;
  bool want_shutdown_ = false;
  bool ssl_wants_write_ = false;
  std::uint32_t interest_ = io_read;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace twinsock::native
