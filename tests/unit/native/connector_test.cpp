// Connector against real loopback sockets: Happy Eyeballs fallback, refusal,
// name resolution, proxies. TLS is covered by the integration tests.
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <optional>
#include <string>

#include "connector.hpp"
#include "twinsock/error.hpp"

namespace twinsock::native {
namespace {

using std::chrono::milliseconds;

struct Listener {
  int fd = -1;
  std::uint16_t port = 0;
  explicit Listener(int family = AF_INET) {
    fd = socket(family, SOCK_STREAM, 0);
    sockaddr_storage addr{};
    socklen_t len;
    if (family == AF_INET) {
      auto* in = reinterpret_cast<sockaddr_in*>(&addr);
      in->sin_family = AF_INET;
      in->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
      len = sizeof *in;
    } else {
      auto* in6 = reinterpret_cast<sockaddr_in6*>(&addr);
      in6->sin6_family = AF_INET6;
      in6->sin6_addr = in6addr_loopback;
      len = sizeof *in6;
    }
    if (bind(fd, reinterpret_cast<sockaddr*>(&addr), len) != 0 || listen(fd, 8) != 0) {
      close(fd);
      fd = -1;
      return;
    }
    getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
    port = ntohs(family == AF_INET ? reinterpret_cast<sockaddr_in*>(&addr)->sin_port
                                   : reinterpret_cast<sockaddr_in6*>(&addr)->sin6_port);
  }
  ~Listener() {
    if (fd >= 0) close(fd);
  }
};

// A port with nothing listening: bind, read the port, close.
std::uint16_t closed_port() {
  Listener l;
  return l.port;
}

struct Outcome {
  std::optional<std::error_code> ec;
  std::unique_ptr<Stream> stream;
  std::string detail;
};

Outcome connect_and_wait(PollLoop& loop, ConnectRequest request) {
  Outcome out;
  Connector connector(loop);
  connector.start(std::move(request), [&](std::error_code ec, std::unique_ptr<Stream> s, std::string detail) {
    out.ec = ec;
    out.stream = std::move(s);
    out.detail = std::move(detail);
  });
  const auto give_up = Clock::now() + std::chrono::seconds(10);
  while (!out.ec && Clock::now() < give_up) loop.run_once(milliseconds(50));
  return out;
}

TEST(Connector, ConnectsToALoopbackListener) {
  PollLoop loop;
  Listener server;
  ASSERT_GE(server.fd, 0);
  Outcome out = connect_and_wait(loop, {.host = "127.0.0.1", .port = server.port});
  ASSERT_TRUE(out.ec.has_value());
  EXPECT_FALSE(*out.ec) << out.ec->message();
  ASSERT_TRUE(out.stream);
  EXPECT_TRUE(out.stream->is_open());
}

TEST(Connector, ResolvesLocalhost) {
  PollLoop loop;
  Listener v4(AF_INET);
  Outcome out = connect_and_wait(loop, {.host = "localhost", .port = v4.port});
  // localhost may resolve to ::1 first; with nothing there, Happy Eyeballs falls back to 127.0.0.1.
  ASSERT_TRUE(out.ec.has_value());
  EXPECT_FALSE(*out.ec) << error_id(*out.ec) << " " << out.detail;
}

TEST(Connector, RefusedPortIsReportedAsRefused) {
  PollLoop loop;
  Outcome out = connect_and_wait(loop, {.host = "127.0.0.1", .port = closed_port()});
  ASSERT_TRUE(out.ec.has_value());
  EXPECT_EQ(*out.ec, errc::connect_refused);
  EXPECT_FALSE(out.stream);
}

TEST(Connector, UnknownHostIsADnsError) {
  PollLoop loop;
  Outcome out = connect_and_wait(loop, {.host = "no-such-host.invalid", .port = 80});
  ASSERT_TRUE(out.ec.has_value());
  EXPECT_EQ(*out.ec, errc::dns_failed);
}

TEST(Connector, NeverCallsBackInsideStart) {
  PollLoop loop;
  bool called = false;
  Connector connector(loop);
  connector.start({.host = "127.0.0.1", .port = closed_port()},
                  [&](std::error_code, std::unique_ptr<Stream>, std::string) { called = true; });
  EXPECT_FALSE(called);
  const auto give_up = Clock::now() + std::chrono::seconds(5);
  while (!called && Clock::now() < give_up) loop.run_once(milliseconds(20));
  EXPECT_TRUE(called);
}

TEST(Connector, DestroyingCancelsTheCallback) {
  PollLoop loop;
  Listener server;
  bool called = false;
  {
    Connector connector(loop);
    connector.start({.host = "127.0.0.1", .port = server.port},
                    [&](std::error_code, std::unique_ptr<Stream>, std::string) { called = true; });
  }
  for (int i = 0; i < 5; ++i) loop.run_once(milliseconds(10));
  EXPECT_FALSE(called);
}

TEST(Connector, ProxyRefusalCarriesTheStatusLine) {
  PollLoop loop;
  Listener proxy;
  std::thread fake_proxy([&] {
    int c = accept(proxy.fd, nullptr, nullptr);
    char buf[1024];
    [[maybe_unused]] auto n = read(c, buf, sizeof buf);
    const char reply[] = "HTTP/1.1 407 Proxy Authentication Required\r\nContent-Length: 0\r\n\r\n";
    [[maybe_unused]] auto w = write(c, reply, sizeof reply - 1);
    close(c);
  });
  Outcome out = connect_and_wait(
      loop, {.host = "example.test", .port = 443, .proxy = ProxySettings{.host = "127.0.0.1", .port = proxy.port}});
  fake_proxy.join();
  ASSERT_TRUE(out.ec.has_value());
  EXPECT_EQ(*out.ec, errc::proxy_failed);
  EXPECT_NE(out.detail.find("407"), std::string::npos) << out.detail;
}

TEST(Connector, ProxyTunnelDeliversBytesSentRightAfterTheReply) {
  PollLoop loop;
  Listener proxy;
  std::string request;
  std::thread fake_proxy([&] {
    int c = accept(proxy.fd, nullptr, nullptr);
    char buf[1024];
    auto n = read(c, buf, sizeof buf);
    if (n > 0) request.assign(buf, static_cast<std::size_t>(n));
    const char reply[] = "HTTP/1.1 200 Connection established\r\n\r\nhello";
    [[maybe_unused]] auto w = write(c, reply, sizeof reply - 1);
    std::this_thread::sleep_for(milliseconds(200));
    close(c);
  });
  Outcome out = connect_and_wait(loop, {.host = "::1",
                                        .port = 8080,
                                        .proxy = ProxySettings{.host = "127.0.0.1",
                                                               .port = proxy.port,
                                                               .authorization = "Basic dTpw"}});
  ASSERT_TRUE(out.ec.has_value());
  ASSERT_FALSE(*out.ec) << out.detail;
  struct Collect : StreamHandler {
    std::string data;
    bool closed = false;
    void on_stream_data(bytes_view d) override { data.append(as_text(d)); }
    void on_stream_closed(std::error_code) override { closed = true; }
  } collect;
  out.stream->set_handler(&collect);
  const auto give_up = Clock::now() + std::chrono::seconds(5);
  while (!collect.closed && Clock::now() < give_up) loop.run_once(milliseconds(20));
  fake_proxy.join();
  EXPECT_EQ(collect.data, "hello");
  EXPECT_NE(request.find("CONNECT [::1]:8080 HTTP/1.1\r\n"), std::string::npos) << request;
  EXPECT_NE(request.find("Proxy-Authorization: Basic dTpw\r\n"), std::string::npos) << request;
}

}  // namespace
}  // namespace twinsock::native
