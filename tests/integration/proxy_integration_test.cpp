// HTTP CONNECT proxies: explicit option and the environment, with Basic auth.
#include <gtest/gtest.h>

#include <cstdlib>

#include "run_until.hpp"
#include "server_process.hpp"
#include "twinsock/error.hpp"
#include "twinsock/sse/client.hpp"
#include "twinsock/ws/client.hpp"

namespace twinsock {
namespace {

using testing::run_until;
using testing::ServerProcess;

std::string echo_through(const std::string& url, const std::string& proxy, std::string* error = nullptr) {
  native::PollLoop loop;
  ws::ClientOptions o;
  o.proxy = proxy;
  o.reconnect.enabled = false;
  ws::Client client(loop, url, o);
  std::string got;
  bool closed = false;
  auto a = client.on_message.on([&](const ws::Message& m) { got = m.data; });
  auto b = client.on_close.on([&](const ws::CloseInfo&) { closed = true; });
  auto c = client.on_error.on([&](std::error_code ec, const std::string&) {
    if (error) *error = error_id(ec);
  });
  (void)client.send("through the tunnel");
  run_until(loop, [&] { return !got.empty() || closed; });
  return got;
}

TEST(ProxyIntegration, ExplicitProxyWithBasicAuth) {
  ServerProcess ws_server("ws-server.mjs");
  ServerProcess proxy("proxy.mjs", {"--auth", "user:p@ss"});
  ASSERT_TRUE(ws_server.ok() && proxy.ok());
  EXPECT_EQ(echo_through(ws_server.url("ws", "/echo"), "http://user:p%40ss@127.0.0.1:" + std::to_string(proxy.port())),
            "through the tunnel");
}

TEST(ProxyIntegration, WrongCredentialsFailWithTheProxyStatus) {
  ServerProcess ws_server("ws-server.mjs");
  ServerProcess proxy("proxy.mjs", {"--auth", "user:secret"});
  ASSERT_TRUE(ws_server.ok() && proxy.ok());
  std::string error;
  EXPECT_EQ(echo_through(ws_server.url("ws", "/echo"), "http://user:wrong@127.0.0.1:" + std::to_string(proxy.port()), &error),
            "");
  EXPECT_EQ(error, "TWINSOCK_ERR_PROXY_FAILED");
}

TEST(ProxyIntegration, EnvironmentProxyAndNoProxy) {
  ServerProcess ws_server("ws-server.mjs");
  ServerProcess proxy("proxy.mjs", {"--auth", "a:b"});
  ASSERT_TRUE(ws_server.ok() && proxy.ok());
  const std::string proxy_url = "http://a:b@127.0.0.1:" + std::to_string(proxy.port());
  setenv("http_proxy", proxy_url.c_str(), 1);
  unsetenv("no_proxy");
  unsetenv("NO_PROXY");
  EXPECT_EQ(echo_through(ws_server.url("ws", "/echo"), ""), "through the tunnel");
  // NO_PROXY bypasses it: point the proxy somewhere dead to prove it is not used.
  setenv("http_proxy", "http://127.0.0.1:1", 1);
  setenv("no_proxy", "example.com,127.0.0.1", 1);
  EXPECT_EQ(echo_through(ws_server.url("ws", "/echo"), ""), "through the tunnel");
  // "none" ignores the environment.
  unsetenv("no_proxy");
  EXPECT_EQ(echo_through(ws_server.url("ws", "/echo"), "none"), "through the tunnel");
  unsetenv("http_proxy");
}

TEST(ProxyIntegration, SseThroughTheProxy) {
  ServerProcess sse_server("sse-server.mjs");
  ServerProcess proxy("proxy.mjs");
  ASSERT_TRUE(sse_server.ok() && proxy.ok());
  native::PollLoop loop;
  sse::ClientOptions o;
  o.proxy = "127.0.0.1:" + std::to_string(proxy.port());  // scheme-less, as environments often have it
  sse::Client client(loop, sse_server.url("http", "/events?n=2"), o);
  std::vector<std::string> data;
  auto sub = client.on_message.on([&](const sse::MessageEvent& m) { data.push_back(m.data); });
  ASSERT_TRUE(run_until(loop, [&] { return data.size() == 2; }));
  EXPECT_EQ(data[1], "event 2");
}

}  // namespace
}  // namespace twinsock
