#include "scripted_peer.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>

#include "heap_watch.hpp"
#include "util/base64.hpp"
#include "util/sha1.hpp"

namespace twinsock::testing {
namespace {

bool wait_readable(int fd, int ms) {
  pollfd p{fd, POLLIN, 0};
  return poll(&p, 1, ms) > 0;
}

}  // namespace

ScriptedPeer::ScriptedPeer(std::function<std::vector<Step>(const std::string&)> respond, bool close_after,
                           int receive_buffer)
    : respond_(std::move(respond)), close_after_(close_after) {
  listen_fd_ = socket(AF_INET, SOCK_STREAM, 0);
  // Set before listen(): accepted connections inherit it (and their window scale with it).
  if (receive_buffer > 0) setsockopt(listen_fd_, SOL_SOCKET, SO_RCVBUF, &receive_buffer, sizeof receive_buffer);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), len);
  listen(listen_fd_, 4);
  getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
  port_ = ntohs(addr.sin_port);
  thread_ = std::thread([this] { serve(); });
}

ScriptedPeer::~ScriptedPeer() {
  stop_ = true;
  thread_.join();
  close(listen_fd_);
}

void ScriptedPeer::serve() {
  HeapWatch::ignore_this_thread();  // the peer's floods are not the client's memory
  // Bounded everywhere: the peer gives up after a few seconds of nothing.
  if (!wait_readable(listen_fd_, 5000)) return;
  const int fd = accept(listen_fd_, nullptr, nullptr);
  if (fd < 0) return;
  std::string request;
  while (request.find("\r\n\r\n") == std::string::npos && wait_readable(fd, 5000)) {
    char buf[4096];
    const ssize_t n = read(fd, buf, sizeof buf);
    if (n <= 0) break;
    request.append(buf, static_cast<std::size_t>(n));
  }
  std::string key;
  const std::size_t at = request.find("Sec-WebSocket-Key: ");
  if (at != std::string::npos) key = request.substr(at + 19, request.find("\r\n", at) - at - 19);
  {
    std::lock_guard<std::mutex> lock(mutex_);
    request_ = request;
  }
  bool taken = true;
  for (const Step& step : respond_(key)) {
    for (std::size_t i = 0; i < step.repeat && taken; ++i) taken = write_all(fd, step.bytes);
    if (!taken) break;
    for (int waited = 0; waited < step.sleep_ms && !stop_; waited += 10) usleep(10'000);
  }
  script_done_ = true;
  // Read what the client sends back: its first frame (usually a close with the error's
  // code), or with record_all_frames() every frame until the client closes.
  std::string in;
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(3);
  bool reading = true;
  while (reading && !stop_ && std::chrono::steady_clock::now() < give_up) {
    if (!wait_readable(fd, 50)) continue;
    char buf[4096];
    const ssize_t n = read(fd, buf, sizeof buf);
    if (n <= 0) break;
    in.append(buf, static_cast<std::size_t>(n));
    while (std::optional<Frame> f = take_frame(in)) {
      std::lock_guard<std::mutex> lock(mutex_);
      if (!frame_) frame_ = *f;
      frames_.push_back(std::move(*f));
      if (!all_frames_) {
        reading = false;
        break;
      }
    }
  }
  reading_done_ = true;
  if (!close_after_)
    while (!stop_) usleep(10'000);  // stall: keep the socket open until the test ends
  close(fd);
}

// The first whole frame (payload up to 64 KiB) at the start of `in`, taken out of it.
std::optional<ScriptedPeer::Frame> ScriptedPeer::take_frame(std::string& in) {
  if (in.size() < 2) return std::nullopt;
  const auto b1 = static_cast<std::uint8_t>(in[1]);
  std::size_t len = b1 & 0x7f, header = 2;
  if (len == 126) {
    if (in.size() < 4) return std::nullopt;
    len = (static_cast<std::uint8_t>(in[2]) << 8) | static_cast<std::uint8_t>(in[3]);
    header = 4;
  }
  const bool masked = b1 & 0x80;
  const std::size_t data = header + (masked ? 4 : 0);
  if (len >= 65536 || in.size() < data + len) return std::nullopt;
  Frame f;
  f.opcode = static_cast<std::uint8_t>(in[0]) & 0x0f;
  f.masked = masked;
  for (std::size_t i = 0; i < len; ++i) f.payload += static_cast<char>(in[data + i] ^ (masked ? in[header + i % 4] : 0));
  in.erase(0, data + len);
  return f;
}

std::vector<ScriptedPeer::Frame> ScriptedPeer::client_frames() const {
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!reading_done_ && std::chrono::steady_clock::now() < give_up) usleep(10'000);
  std::lock_guard<std::mutex> lock(mutex_);
  return frames_;
}

// False once the client is gone (or the test ends): the script stops there.
bool ScriptedPeer::write_all(int fd, const std::string& bytes) {
  std::size_t done = 0;
  while (done < bytes.size()) {
    if (stop_) return false;
    pollfd p{fd, POLLOUT, 0};
    if (poll(&p, 1, 50) <= 0) continue;  // the client is not reading: wait, but see stop_
    const ssize_t n = send(fd, bytes.data() + done, bytes.size() - done, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) continue;
    if (n <= 0) return false;
    done += static_cast<std::size_t>(n);
    written_ += static_cast<std::uint64_t>(n);
  }
  return true;
}

bool ScriptedPeer::wait_for_script() const {
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (!script_done_ && std::chrono::steady_clock::now() < give_up) usleep(10'000);
  return script_done_;
}

std::optional<ScriptedPeer::Frame> ScriptedPeer::client_frame() const {
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(3);
  for (;;) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (frame_ || std::chrono::steady_clock::now() > give_up) return frame_;
    }
    usleep(10'000);
  }
}

int ScriptedPeer::client_close_code() const {
  auto f = client_frame();
  if (!f || f->opcode != 8 || f->payload.size() < 2) return 0;
  return (static_cast<std::uint8_t>(f->payload[0]) << 8) | static_cast<std::uint8_t>(f->payload[1]);
}

std::string ScriptedPeer::request() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return request_;
}

std::string ScriptedPeer::accept_for(const std::string& key) {
  const auto digest = sha1::digest(as_bytes(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"));
  return base64::encode(digest);
}

std::string ScriptedPeer::good_101(const std::string& key, const std::string& extra_headers) {
  return "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: " +
         accept_for(key) + "\r\n" + extra_headers + "\r\n";
}

std::string ScriptedPeer::frame(std::uint8_t first_byte, const std::string& payload) {
  std::string f(1, static_cast<char>(first_byte));
  if (payload.size() < 126) {
    f += static_cast<char>(payload.size());
  } else if (payload.size() <= 0xffff) {
    f += static_cast<char>(126);
    f += static_cast<char>(payload.size() >> 8);
    f += static_cast<char>(payload.size() & 0xff);
  } else {
    f += static_cast<char>(127);
    for (int i = 7; i >= 0; --i) f += static_cast<char>((static_cast<std::uint64_t>(payload.size()) >> (8 * i)) & 0xff);
  }
  return f + payload;
}

}  // namespace twinsock::testing
