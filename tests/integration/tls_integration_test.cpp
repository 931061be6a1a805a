// TLS: verification on by default, and each kind of failure says why.
// Certificates are made per run (test_certs.cpp); the server is ws-server.mjs over HTTPS.
#include <gtest/gtest.h>

#include "run_until.hpp"
#include "server_process.hpp"
#include "test_certs.hpp"
#include "twinsock/error.hpp"
#include "twinsock/ws/client.hpp"

namespace twinsock::ws {
namespace {

using testing::run_until;
using testing::ServerProcess;
using testing::TestCerts;

struct Outcome {
  bool opened = false;
  std::string error;
  std::string detail;
  bool closed = false;
};

Outcome connect_once(const std::string& url, TlsOptions tls) {
  native::PollLoop loop;
  ClientOptions o;
  o.tls = std::move(tls);
  o.reconnect.enabled = false;
  Client client(loop, url, o);
  Outcome out;
  auto a = client.on_open.on([&] {
    out.opened = true;
    client.close();
  });
  auto b = client.on_error.on([&](std::error_code ec, const std::string& d) {
    out.error = error_id(ec);
    out.detail = d;
  });
  auto c = client.on_close.on([&](const CloseInfo&) { out.closed = true; });
  run_until(loop, [&] { return out.closed; });
  return out;
}

class TlsIntegration : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { certs = new TestCerts(); }
  static void TearDownTestSuite() { delete certs; }
  void SetUp() override { ASSERT_TRUE(certs->ok()); }
  static TestCerts* certs;
};
TestCerts* TlsIntegration::certs = nullptr;

TEST_F(TlsIntegration, TrustedCertificateConnects) {
  ServerProcess server("ws-server.mjs", {"--tls", certs->valid().cert, certs->valid().key});
  ASSERT_TRUE(server.ok());
  Outcome out = connect_once(server.url("wss", "/echo"), {.ca_file = certs->ca_file()});
  EXPECT_TRUE(out.opened) << out.error << " " << out.detail;
  EXPECT_EQ(out.error, "");
}

TEST_F(TlsIntegration, APlainServerIsNamedAsSuch) {
  ServerProcess server("ws-server.mjs", {});  // no TLS: it answers the ClientHello in plain HTTP
  ASSERT_TRUE(server.ok());
  const std::string plain = server.url("ws", "/echo");
  Outcome out = connect_once("wss" + plain.substr(2), {});
  EXPECT_FALSE(out.opened);
  EXPECT_EQ(out.error, "TWINSOCK_ERR_TLS_FAILED");
  EXPECT_NE(out.detail.find("does not speak TLS"), std::string::npos) << out.detail;
}

TEST_F(TlsIntegration, LocalhostNameIsVerifiedToo) {
  ServerProcess server("ws-server.mjs", {"--tls", certs->valid().cert, certs->valid().key});
  ASSERT_TRUE(server.ok());
  Outcome out = connect_once("wss://localhost:" + std::to_string(server.port()) + "/echo", {.ca_file = certs->ca_file()});
  EXPECT_TRUE(out.opened) << out.error << " " << out.detail;
}

TEST_F(TlsIntegration, UnknownCaIsUntrustedByDefault) {
  ServerProcess server("ws-server.mjs", {"--tls", certs->valid().cert, certs->valid().key});
  ASSERT_TRUE(server.ok());
  Outcome out = connect_once(server.url("wss", "/echo"), {});  // the system store does not know our CA
  EXPECT_FALSE(out.opened);
  EXPECT_EQ(out.error, "TWINSOCK_ERR_TLS_CERT_UNTRUSTED") << out.detail;
  EXPECT_FALSE(out.detail.empty());
}

TEST_F(TlsIntegration, SelfSignedIsReportedAsSuch) {
  ServerProcess server("ws-server.mjs", {"--tls", certs->self_signed().cert, certs->self_signed().key});
  ASSERT_TRUE(server.ok());
  Outcome out = connect_once(server.url("wss", "/echo"), {.ca_file = certs->ca_file()});
  EXPECT_FALSE(out.opened);
  EXPECT_EQ(out.error, "TWINSOCK_ERR_TLS_CERT_SELF_SIGNED") << out.detail;
}

TEST_F(TlsIntegration, WrongHostIsReportedAsSuch) {
  ServerProcess server("ws-server.mjs", {"--tls", certs->wrong_host().cert, certs->wrong_host().key});
  ASSERT_TRUE(server.ok());
  Outcome out = connect_once(server.url("wss", "/echo"), {.ca_file = certs->ca_file()});
  EXPECT_FALSE(out.opened);
  EXPECT_EQ(out.error, "TWINSOCK_ERR_TLS_CERT_WRONG_HOST") << out.detail;
}

TEST_F(TlsIntegration, ExpiredIsReportedAsSuch) {
  ServerProcess server("ws-server.mjs", {"--tls", certs->expired().cert, certs->expired().key});
  ASSERT_TRUE(server.ok());
  Outcome out = connect_once(server.url("wss", "/echo"), {.ca_file = certs->ca_file()});
  EXPECT_FALSE(out.opened);
  EXPECT_EQ(out.error, "TWINSOCK_ERR_TLS_CERT_EXPIRED") << out.detail;
}

TEST_F(TlsIntegration, InsecureSkipsVerification) {
  ServerProcess server("ws-server.mjs", {"--tls", certs->self_signed().cert, certs->self_signed().key});
  ASSERT_TRUE(server.ok());
  Outcome out = connect_once(server.url("wss", "/echo"), {.insecure = true});
  EXPECT_TRUE(out.opened) << out.error;
}

TEST_F(TlsIntegration, MissingCaFileIsAConfigError) {
  Outcome out = connect_once("wss://127.0.0.1:1/echo", {.ca_file = "/nonexistent/ca.pem"});
  EXPECT_EQ(out.error, "TWINSOCK_ERR_TLS_CONFIG");
  // Which file, and why: a typo in a path is found at once.
  EXPECT_EQ(out.detail, "cannot load the CA file /nonexistent/ca.pem: No such file or directory");
}

TEST_F(TlsIntegration, ClientCertificateForMutualTls) {
  ServerProcess server("ws-server.mjs",
                       {"--tls", certs->valid().cert, certs->valid().key, "--client-ca", certs->ca_file()});
  ASSERT_TRUE(server.ok());
  Outcome without = connect_once(server.url("wss", "/echo"), {.ca_file = certs->ca_file()});
  EXPECT_FALSE(without.opened);
  EXPECT_FALSE(without.error.empty());
  Outcome with = connect_once(server.url("wss", "/echo"), {.ca_file = certs->ca_file(),
                                                           .cert_file = certs->client().cert,
                                                           .key_file = certs->client().key});
  EXPECT_TRUE(with.opened) << with.error << " " << with.detail;
}

TEST_F(TlsIntegration, LargeMessagesOverTls) {
  ServerProcess server("ws-server.mjs", {"--tls", certs->valid().cert, certs->valid().key});
  ASSERT_TRUE(server.ok());
  native::PollLoop loop;
  ClientOptions o;
  o.tls.ca_file = certs->ca_file();
  Client client(loop, server.url("wss", "/echo"), o);
  std::string got;
  auto sub = client.on_message.on([&](const Message& m) { got = m.data; });
  std::string big(4 << 20, 'q');
  ASSERT_FALSE(client.send(big));
  ASSERT_TRUE(run_until(loop, [&] { return !got.empty(); }, std::chrono::seconds(60)));
  EXPECT_EQ(got.size(), big.size());
}

}  // namespace
}  // namespace twinsock::ws
