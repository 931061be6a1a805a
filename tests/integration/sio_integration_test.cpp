// sio::Manager / sio::Socket against the real Node socket.io 4.8 server
// (tests/servers/sio-server.mjs: pingInterval 300, pingTimeout 200,
// connectionStateRecovery on; namespaces "/", "/custom", "/admin", "/never").
// Every wait is bounded by run_until; no test asserts on timing.
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "run_until.hpp"
#include "server_process.hpp"
#include "twinsock/eio/socket.hpp"
#include "twinsock/error.hpp"
#include "twinsock/sio/manager.hpp"

namespace twinsock::sio {
namespace {

using namespace std::chrono_literals;
using json = nlohmann::json;
using testing::run_until;
using testing::ServerProcess;

json bin(std::initializer_list<std::uint8_t> bytes) { return json::binary(std::vector<std::uint8_t>(bytes)); }

// What one Socket saw.
struct SocketLog {
  std::vector<std::pair<std::string, Args>> events;  // on_any, in order
  int connects = 0;
  std::vector<std::string> disconnects;
  std::vector<ConnectError> connect_errors;
  std::vector<Subscription> subs;

  void attach(Socket& s) {
    subs.push_back(s.on_any([this](const std::string& e, const Args& a) { events.emplace_back(e, a); }));
    subs.push_back(s.on_connect.on([this] { ++connects; }));
    subs.push_back(s.on_disconnect.on([this](const std::string& r) { disconnects.push_back(r); }));
    subs.push_back(s.on_connect_error.on([this](const ConnectError& e) { connect_errors.push_back(e); }));
  }
  std::vector<Args> of(const std::string& name) const {
    std::vector<Args> out;
    for (const auto& [e, a] : events)
      if (e == name) out.push_back(a);
    return out;
  }
  std::size_t count(const std::string& name) const { return of(name).size(); }
};

// What the Manager saw.
struct ManagerLog {
  int opens = 0;
  std::vector<std::string> closes;
  std::vector<std::string> errors;
  std::vector<std::uint32_t> attempts;
  std::vector<std::uint32_t> reconnects;
  int reconnect_errors = 0;
  int reconnect_failed = 0;
  std::vector<Subscription> subs;

  void attach(Manager& m) {
    subs.push_back(m.on_open.on([this] { ++opens; }));
    subs.push_back(m.on_close.on([this](const std::string& r) { closes.push_back(r); }));
    subs.push_back(m.on_error.on([this](std::error_code ec, const std::string& d) {
      errors.push_back(std::string(error_id(ec)) + " " + d);
    }));
    subs.push_back(m.on_reconnect_attempt.on([this](std::uint32_t n) { attempts.push_back(n); }));
    subs.push_back(m.on_reconnect.on([this](std::uint32_t n) { reconnects.push_back(n); }));
    subs.push_back(m.on_reconnect_error.on([this](std::error_code, const std::string&) { ++reconnect_errors; }));
    subs.push_back(m.on_reconnect_failed.on([this] { ++reconnect_failed; }));
  }
};

// The result of one ack.
struct AckResult {
  bool done = false;
  std::error_code ec;
  Args args;
  AckCallback callback() {
    return [this](std::error_code e, const Args& a) {
      done = true;
      ec = e;
      args = a;
    };
  }
};

class SioIntegration : public ::testing::Test {
 protected:
  void SetUp() override {
    eio::Socket::forget_prior_upgrade();
    ASSERT_TRUE(server->ok()) << "could not start tests/servers/sio-server.mjs";
  }

  std::string url(const std::string& path = "/") const { return server->url("http", path); }

  // Short reconnection delays so restarts are quick (the defaults are 1 s to 5 s).
  static ManagerOptions fast(std::vector<std::string> transports = {"polling", "websocket"}) {
    ManagerOptions o;
    o.reconnection_delay = 100ms;
    o.reconnection_delay_max = 300ms;
    o.engine.transports = std::move(transports);
    return o;
  }
  // The test server's second Socket.IO server, with connection state recovery.
  static ManagerOptions recovering(std::vector<std::string> transports = {"polling", "websocket"}) {
    ManagerOptions o = fast(std::move(transports));
    o.engine.path = "/recovery/";
    return o;
  }

  void start_server(std::vector<std::string> args = {}) {
    server = std::make_unique<ServerProcess>("sio-server.mjs", std::move(args));
    ASSERT_TRUE(server->ok());
  }
  // Restarts the server on the same port (after kill_now()).
  void restart_server(std::uint16_t port, std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"--port", std::to_string(port)};
    args.insert(args.end(), extra.begin(), extra.end());
    server = std::make_unique<ServerProcess>("sio-server.mjs", std::move(args));
    ASSERT_TRUE(server->ok()) << "could not restart the server on port " << port;
  }

  // Emits with an ack and waits for it.
  AckResult ask(Socket& s, const std::string& event, Args args = Args::array(), EmitOptions o = {}) {
    AckResult r;
    EXPECT_FALSE(s.emit(event, std::move(args), r.callback(), o));
    EXPECT_TRUE(run_until(loop, [&] { return r.done; })) << event;
    return r;
  }

  // Emits "message" and waits for the matching "message-back".
  bool echo(Socket& s, SocketLog& log, const Args& args) {
    const std::size_t before = log.count("message-back");
    if (s.emit("message", args)) return false;
    if (!run_until(loop, [&] { return log.count("message-back") > before; })) return false;
    const Args got = log.of("message-back")[before];
    EXPECT_EQ(got, args);
    return got == args;
  }

  std::unique_ptr<ServerProcess> server = std::make_unique<ServerProcess>("sio-server.mjs");
  native::PollLoop loop;
};

// --- connecting ------------------------------------------------------------

TEST_F(SioIntegration, RootAndCustomNamespacesShareOneEngineSession) {
  Manager io(loop, url());
  ManagerLog mlog;
  mlog.attach(io);
  SocketLog root_log, custom_log;
  Socket& root = io.socket("/");
  Socket& custom = io.socket("/custom");
  root_log.attach(root);
  custom_log.attach(custom);
  ASSERT_TRUE(run_until(loop, [&] { return root.connected() && custom.connected(); }));
  EXPECT_EQ(mlog.opens, 1) << "one Engine.IO session for both namespaces";
  ASSERT_NE(io.engine(), nullptr);
  EXPECT_EQ(root.nsp(), "/");
  EXPECT_EQ(custom.nsp(), "/custom");
  EXPECT_FALSE(root.id().empty());
  EXPECT_FALSE(custom.id().empty());
  EXPECT_NE(root.id(), custom.id());
  EXPECT_NE(root.id(), io.engine()->id()) << "the Socket.IO id is not the Engine.IO sid";
  EXPECT_EQ(&io.socket("/custom"), &custom) << "one Socket per namespace";
  EXPECT_EQ(&io.socket("custom"), &custom) << "a leading '/' is added";
  EXPECT_EQ(root_log.connects, 1);
  EXPECT_EQ(custom_log.connects, 1);
  // Each namespace gets its own welcome, carrying its own id.
  ASSERT_TRUE(run_until(loop, [&] { return root_log.count("welcome") == 1 && custom_log.count("welcome") == 1; }));
  EXPECT_EQ(root_log.of("welcome")[0][0], root.id());
  EXPECT_EQ(custom_log.of("welcome")[0][0], custom.id());
  // Traffic stays in its namespace.
  EXPECT_TRUE(echo(custom, custom_log, json::array({"only custom"})));
  EXPECT_EQ(root_log.count("message-back"), 0u);
  EXPECT_TRUE(echo(root, root_log, json::array({"only root"})));
  EXPECT_EQ(custom_log.count("message-back"), 1u);
  // Leaving one namespace keeps the shared session for the other.
  custom.disconnect();
  ASSERT_TRUE(run_until(loop, [&] { return custom_log.disconnects.size() == 1; }));
  EXPECT_EQ(custom_log.disconnects[0], "io client disconnect");
  EXPECT_TRUE(root.connected());
  EXPECT_EQ(io.state(), ManagerState::open);
  EXPECT_TRUE(echo(root, root_log, json::array({"still here"})));
  EXPECT_EQ(mlog.opens, 1);
  EXPECT_TRUE(mlog.errors.empty()) << mlog.errors[0];
}

TEST_F(SioIntegration, JoiningANamespaceLaterReusesTheSession) {
  Manager io(loop, url(), fast());
  ManagerLog mlog;
  mlog.attach(io);
  Socket& root = io.socket("/");
  ASSERT_TRUE(run_until(loop, [&] { return root.connected(); }));
  const eio::Socket* engine = io.engine();
  SocketLog custom_log;
  Socket& custom = io.socket("/custom");
  custom_log.attach(custom);
  ASSERT_TRUE(run_until(loop, [&] { return custom.connected(); }));
  EXPECT_EQ(io.engine(), engine);
  EXPECT_EQ(mlog.opens, 1);
  EXPECT_TRUE(echo(custom, custom_log, json::array({"late joiner"})));
}

TEST_F(SioIntegration, ABurstOfServerEventsArrivesInOrder) {
  for (const char* transport : {"polling", "websocket"}) {
    Manager io(loop, url(), fast({transport}));
    SocketLog log;
    Socket& s = io.socket();
    log.attach(s);
    ASSERT_TRUE(run_until(loop, [&] { return s.connected(); })) << transport;
    ASSERT_FALSE(s.emit("burst", json::array({500})));
    ASSERT_TRUE(run_until(loop, [&] { return log.count("burst-done") == 1; })) << transport;
    const auto items = log.of("burst-item");
    ASSERT_EQ(items.size(), 500u) << transport;
    for (int i = 0; i < 500; ++i) {
      ASSERT_FALSE(items[static_cast<std::size_t>(i)].empty());
      ASSERT_EQ(items[static_cast<std::size_t>(i)][0], i) << transport;
    }
  }
}

TEST_F(SioIntegration, UrlPathIsTheNamespaceAndUrlQueryReachesTheServer) {
  Manager io(loop, url("/custom?room=blue&n=1"));
  EXPECT_EQ(io.url_namespace(), "/custom");
  Socket& s = io.socket();
  ASSERT_TRUE(run_until(loop, [&] { return s.connected(); }));
  EXPECT_EQ(s.nsp(), "/custom");
  AckResult r = ask(s, "query");
  ASSERT_FALSE(r.ec);
  ASSERT_EQ(r.args.size(), 1u) << r.args.dump();
  EXPECT_EQ(r.args[0].value("room", ""), "blue") << r.args.dump();
  EXPECT_EQ(r.args[0].value("n", ""), "1") << r.args.dump();
  EXPECT_EQ(r.args[0].value("EIO", ""), "4") << r.args.dump();
}

TEST_F(SioIntegration, PollingOnly) {
  Manager io(loop, url(), fast({"polling"}));
  SocketLog log;
  Socket& s = io.socket();
  log.attach(s);
  ASSERT_TRUE(run_until(loop, [&] { return s.connected(); }));
  EXPECT_EQ(io.engine()->transport_name(), "polling");
  EXPECT_TRUE(echo(s, log, json::array({"over polling", 1, json{{"k", "v"}}})));
  // Several heartbeats later (pingInterval 300 ms) it is still on polling and alive.
  int pings = 0;
  Subscription sub = io.on_ping.on([&] { ++pings; });
  ASSERT_TRUE(run_until(loop, [&] { return pings >= 3; }));
  EXPECT_EQ(io.engine()->transport_name(), "polling");
  EXPECT_TRUE(log.disconnects.empty());
  EXPECT_TRUE(echo(s, log, json::array({"after pings"})));
}

TEST_F(SioIntegration, WebSocketOnly) {
  Manager io(loop, url(), fast({"websocket"}));
  SocketLog log;
  Socket& s = io.socket();
  log.attach(s);
  ASSERT_TRUE(run_until(loop, [&] { return s.connected(); }));
  EXPECT_EQ(io.engine()->transport_name(), "websocket");
  EXPECT_TRUE(echo(s, log, json::array({"over websocket", 2.5, nullptr, true})));
}

TEST_F(SioIntegration, PollingThenUpgradeToWebSocket) {
  Manager io(loop, url());
  std::vector<std::string> upgrades;
  Subscription upgraded = io.on_upgrade.on([&](const std::string& transport) { upgrades.push_back(transport); });
  SocketLog log;
  Socket& s = io.socket();
  log.attach(s);
  ASSERT_TRUE(run_until(loop, [&] { return s.connected(); }));
  // Keep emitting across the upgrade: order and delivery must hold.
  int sent = 0;
  ASSERT_TRUE(run_until(loop, [&] {
    if (sent < 50) {
      EXPECT_FALSE(s.emit("message", json::array({sent++})));
    }
    return io.engine() && io.engine()->transport_name() == "websocket" && sent >= 50;
  }));
  ASSERT_TRUE(run_until(loop, [&] { return log.count("message-back") == 50; }));
  const auto backs = log.of("message-back");
  for (int i = 0; i < 50; ++i) EXPECT_EQ(backs[static_cast<std::size_t>(i)], json::array({i}));
  EXPECT_TRUE(echo(s, log, json::array({"after upgrade"})));
  EXPECT_TRUE(log.disconnects.empty());
  EXPECT_EQ(log.connects, 1);
  EXPECT_EQ(upgrades, std::vector<std::string>{"websocket"});
}

// --- events and acks -------------------------------------------------------

TEST_F(SioIntegration, AStringCutInsideASurrogatePairKeepsTheSession) {
  // "\ud83d" is what JSON.stringify writes for such a string: the server reads it as JavaScript
  // does, echoes it the same way, and it arrives as U+FFFD; the connection carries on.
  for (const char* transport : {"polling", "websocket"}) {
    Manager io(loop, url(), fast({transport}));
    SocketLog log;
    Socket& s = io.socket();
    log.attach(s);
    ASSERT_TRUE(run_until(loop, [&] { return s.connected(); })) << transport;
    const std::string id = s.id();
    ASSERT_FALSE(s.emit_json("message", R"(["a\ud83dz",["\udc00"]])"));
    ASSERT_TRUE(run_until(loop, [&] { return log.count("message-back") == 1; })) << transport;
    EXPECT_EQ(log.of("message-back")[0], json::array({"a\xEF\xBF\xBDz", json::array({"\xEF\xBF\xBD"})}))
        << transport;
    EXPECT_TRUE(echo(s, log, json::array({"after"}))) << transport;
    EXPECT_EQ(s.id(), id) << transport << ": the same session";
  }
}

TEST_F(SioIntegration, EmitAndReceiveEveryJsonType) {
  for (const char* transport : {"polling", "websocket"}) {
    Manager io(loop, url(), fast({transport}));
    SocketLog log;
    Socket& s = io.socket();
    log.attach(s);
    ASSERT_TRUE(run_until(loop, [&] { return s.connected(); })) << transport;
    EXPECT_TRUE(echo(s, log, json::array({"text", "h\xc3\xa9llo \xe2\x9c\x93", 42, -1.5, true, false, nullptr,
                                          json{{"nested", json::array({1, json{{"deep", "x"}}})}}, json::array()})))
        << transport;
    EXPECT_TRUE(echo(s, log, json::array())) << transport << ": an event without arguments";
    // A single non-array value is wrapped into one argument.
    const std::size_t before = log.count("message-back");
    ASSERT_FALSE(s.emit("message", json("single")));
    ASSERT_TRUE(run_until(loop, [&] { return log.count("message-back") > before; }));
    EXPECT_EQ(log.of("message-back")[before], json::array({"single"}));
  }
}

TEST_F(SioIntegration, EventArgumentsKeepTheRecoveryOffsetAsSocketIoClientDoes) {
  // With connection state recovery the server appends a string offset to every event it
  // stores, but not to volatile ones, which look the same: like socket.io-client, the
  // client leaves the arguments whole (taking the last one away lost volatile emits' own).
  Manager io(loop, url(), recovering({"websocket"}));
  SocketLog log;
  Socket& s = io.socket();
  log.attach(s);
  ASSERT_TRUE(run_until(loop, [&] { return log.count("welcome") == 1; }));
  // One at a time: the server drops a volatile emit while its transport is still writing.
  ASSERT_FALSE(s.emit("volatile", json::array({1, "two"})));
  ASSERT_TRUE(run_until(loop, [&] { return log.count("volatile-back") == 1; }));
  ASSERT_FALSE(s.emit("message", json::array({1, 2})));
  ASSERT_TRUE(run_until(loop, [&] { return log.count("message-back") == 1; }));
  const Args welcome = log.of("welcome")[0];
  const Args back = log.of("message-back")[0];
  ASSERT_EQ(welcome.size(), 2u);
  EXPECT_EQ(welcome[0], s.id());
  EXPECT_TRUE(welcome[1].is_string()) << "the offset";
  ASSERT_EQ(back.size(), 3u);
  EXPECT_EQ(back[0], 1);
  EXPECT_EQ(back[1], 2);
  EXPECT_TRUE(back[2].is_string()) << "the offset";
  EXPECT_NE(back[2], welcome[1]);
  EXPECT_EQ(log.of("volatile-back")[0], json::array({1, "two"})) << "a volatile emit's arguments, all of them";
}

TEST_F(SioIntegration, AckFromTheServer) {
  Manager io(loop, url(), fast({"websocket"}));
  Socket& s = io.socket();
  ASSERT_TRUE(run_until(loop, [&] { return s.connected(); }));
  AckResult r = ask(s, "message-with-ack", json::array({"a", 2, json{{"b", true}}}));
  EXPECT_FALSE(r.ec);
  EXPECT_EQ(r.args, json::array({"a", 2, json{{"b", true}}}));
  AckResult empty = ask(s, "message-with-ack");
  EXPECT_FALSE(empty.ec);
  EXPECT_EQ(empty.args, json::array());
  // Many acks in flight at once each find their own callback.
  std::vector<AckResult> many(20);
  for (int i = 0; i < 20; ++i) ASSERT_FALSE(s.emit("message-with-ack", json::array({i}), many[static_cast<std::size_t>(i)].callback()));
  ASSERT_TRUE(run_until(loop, [&] {
    for (auto& m : many)
      if (!m.done) return false;
    return true;
  }));
  for (int i = 0; i < 20; ++i) EXPECT_EQ(many[static_cast<std::size_t>(i)].args, json::array({i}));
}

TEST_F(SioIntegration, ServerAsksWithAckAndTheReplyReachesIt) {
  Manager io(loop, url(), fast({"polling"}));
  SocketLog log;
  Socket& s = io.socket();
  log.attach(s);
  bool requested = false;
  Args question;
  Subscription sub = s.on("question", [&](const Args& a, const Reply& reply) {
    question = a;
    requested = reply.requested();
    reply(json::array({"the answer", 42}));
    reply(json::array({"a second reply is a no-op"}));
  });
  ASSERT_TRUE(run_until(loop, [&] { return s.connected(); }));
  ASSERT_FALSE(s.emit("ask", json::array({"what?"})));
  ASSERT_TRUE(run_until(loop, [&] { return log.count("answer") == 1; }));
  EXPECT_TRUE(requested);
  ASSERT_FALSE(question.empty());
  EXPECT_EQ(question[0], "what?");
  ASSERT_FALSE(log.of("answer")[0].empty());
  EXPECT_EQ(log.of("answer")[0][0], "the answer") << "the server's ack callback gets the first reply argument";
  // A listener of an event without an ack gets a Reply that asks for nothing.
  bool welcome_requested = true;
  Subscription w = s.on("message-back", [&](const Args&, const Reply& reply) {
    welcome_requested = reply.requested();
    reply();  // harmless
  });
  EXPECT_TRUE(echo(s, log, json::array({"x"})));
  EXPECT_FALSE(welcome_requested);
}

TEST_F(SioIntegration, BinaryAnywhereInArgumentsBothWays) {
  const Args args = json::array({bin({0x00, 0xff, 0x10}),
                                 json{{"file", bin({1, 2, 3})}, {"meta", json{{"parts", json::array({bin({}), "x", bin({0x80})})}}}},
                                 "text between", json::array({json::array({bin({7})})})});
  for (const char* transport : {"polling", "websocket"}) {
    Manager io(loop, url(), fast({transport}));
    SocketLog log;
    Socket& s = io.socket();
    log.attach(s);
    ASSERT_TRUE(run_until(loop, [&] { return s.connected(); })) << transport;
    EXPECT_TRUE(echo(s, log, args)) << transport;
    AckResult r = ask(s, "message-with-ack", args);  // BINARY_EVENT out, BINARY_ACK back
    EXPECT_FALSE(r.ec) << transport;
    EXPECT_EQ(r.args, args) << transport;
    // A large blob.
    std::vector<std::uint8_t> big(256 * 1024);
    for (std::size_t i = 0; i < big.size(); ++i) big[i] = static_cast<std::uint8_t>(i * 7);
    EXPECT_TRUE(echo(s, log, json::array({json{{"big", json::binary(big)}}}))) << transport;
  }
}

TEST_F(SioIntegration, AckTimeouts) {
  SocketOptions so;
  so.ack_timeout = 300ms;
  ManagerOptions mo = fast({"websocket"});
  mo.socket = so;
  Manager io(loop, url(), mo);
  Socket& s = io.socket();
  ASSERT_TRUE(run_until(loop, [&] { return s.connected(); }));
  // Per-emit timeout on an event the server never acknowledges.
  AckResult per_emit = ask(s, "nobody-listens", json::array({1}), EmitOptions{.timeout = 200ms});
  EXPECT_EQ(per_emit.ec, errc::ack_timeout);
  EXPECT_EQ(per_emit.args, json::array());
  // emit_with_ack: explicit timeout, then the socket's ack_timeout.
  AckResult with_ack;
  ASSERT_FALSE(s.emit_with_ack("nobody-listens", json::array(), with_ack.callback(), EmitOptions{.timeout = 150ms}));
  ASSERT_TRUE(run_until(loop, [&] { return with_ack.done; }));
  EXPECT_EQ(with_ack.ec, errc::ack_timeout);
  AckResult defaulted;
  ASSERT_FALSE(s.emit_with_ack("nobody-listens", json::array(), defaulted.callback()));
  ASSERT_TRUE(run_until(loop, [&] { return defaulted.done; }));
  EXPECT_EQ(defaulted.ec, errc::ack_timeout);
  // An answered emit_with_ack succeeds.
  AckResult ok;
  ASSERT_FALSE(s.emit_with_ack("message-with-ack", json::array({"fine"}), ok.callback()));
  ASSERT_TRUE(run_until(loop, [&] { return ok.done; }));
  EXPECT_FALSE(ok.ec);
  EXPECT_EQ(ok.args, json::array({"fine"}));
  EXPECT_TRUE(s.connected()) << "an ack timeout does not end the connection";
}

TEST_F(SioIntegration, ReservedEventNamesAreRefused) {
  Manager io(loop, url(), fast({"websocket"}));
  Socket& s = io.socket();
  for (const char* name : {"connect", "connect_error", "disconnect", "disconnecting", "newListener", "removeListener"})
    EXPECT_EQ(s.emit(name, json::array()), errc::invalid_argument) << name;
}

// --- auth ------------------------------------------------------------------

TEST_F(SioIntegration, AuthMiddlewareRefuses) {
  for (const char* transport : {"polling", "websocket"}) {
    Manager io(loop, url(), fast({transport}));
    SocketLog log;
    Socket& admin = io.socket("/admin");
    log.attach(admin);
    ASSERT_TRUE(run_until(loop, [&] { return !log.connect_errors.empty(); })) << transport;
    const ConnectError& e = log.connect_errors[0];
    EXPECT_EQ(e.message, "Not authorized") << transport;
    EXPECT_EQ(e.data, json({{"reason", "bad token"}})) << transport;
    EXPECT_EQ(e.code, errc::sio_connect_refused) << transport;
    EXPECT_FALSE(admin.connected());
    EXPECT_FALSE(admin.active()) << "a refused socket does not retry by itself";
    EXPECT_EQ(log.connects, 0);
  }
}

TEST_F(SioIntegration, ManagerClosesWhenTheOnlyNamespaceIsRefused) {
  // socket.io-client: CONNECT_ERROR destroy()s the socket, and the Manager closes
  // the Engine.IO connection once no socket is active (and never reconnects it).
  Manager io(loop, url(), fast({"websocket"}));
  ManagerLog mlog;
  mlog.attach(io);
  SocketLog log;
  Socket& admin = io.socket("/admin");
  log.attach(admin);
  ASSERT_TRUE(run_until(loop, [&] { return !log.connect_errors.empty(); }));
  // The server drops a connection with no namespace after its connectTimeout (1 s):
  // a Manager that kept the session open then reconnects with nothing to reconnect.
  run_until(loop, [&] { return !mlog.attempts.empty(); }, 2500ms);
  EXPECT_TRUE(mlog.attempts.empty() && mlog.opens == 1 && io.state() == ManagerState::closed)
      << "the Engine.IO session must close after CONNECT_ERROR on the only namespace ("
      << (mlog.closes.empty() ? std::string("no close") : "closed by: " + mlog.closes[0]) << ", "
      << mlog.attempts.size() << " reconnect attempt(s), " << mlog.opens << " open(s))";
  EXPECT_EQ(io.state(), ManagerState::closed);
}

TEST_F(SioIntegration, AuthMiddlewareAccepts) {
  ManagerOptions mo = fast();
  Manager io(loop, url(), mo);
  SocketOptions so;
  so.auth = {{"token", "secret"}, {"extra", json::array({1, 2})}};
  SocketLog log;
  Socket& admin = io.socket("/admin", so);
  log.attach(admin);
  ASSERT_TRUE(run_until(loop, [&] { return admin.connected() || !log.connect_errors.empty(); }));
  ASSERT_TRUE(admin.connected()) << log.connect_errors[0].message;
  AckResult r = ask(admin, "auth");
  ASSERT_EQ(r.args.size(), 1u) << r.args.dump();
  EXPECT_EQ(r.args[0].value("token", ""), "secret") << r.args.dump();
  EXPECT_EQ(r.args[0]["extra"], json::array({1, 2})) << r.args.dump();
  EXPECT_TRUE(log.connect_errors.empty());
}

TEST_F(SioIntegration, AuthProviderIsCalledBeforeEveryAttempt) {
  const std::uint16_t port = server->port();
  Manager io(loop, url(), fast({"websocket"}));
  SocketOptions so;
  int calls = 0;
  so.auth_provider = [&](const std::function<void(json)>& done) {
    ++calls;
    done(json{{"token", "secret"}, {"n", calls}});
  };
  SocketLog log;
  Socket& admin = io.socket("/admin", so);
  log.attach(admin);
  ASSERT_TRUE(run_until(loop, [&] { return admin.connected(); }));
  EXPECT_EQ(calls, 1);
  AckResult first = ask(admin, "auth");
  ASSERT_EQ(first.args.size(), 1u);
  EXPECT_EQ(first.args[0].value("n", 0), 1);
  server->kill_now();
  ASSERT_TRUE(run_until(loop, [&] { return log.disconnects.size() == 1; }));
  restart_server(port);
  ASSERT_TRUE(run_until(loop, [&] { return log.connects == 2; }));
  EXPECT_EQ(calls, 2);
  AckResult second = ask(admin, "auth");
  ASSERT_EQ(second.args.size(), 1u);
  EXPECT_EQ(second.args[0].value("n", 0), 2) << second.args.dump();
  EXPECT_EQ(second.args[0].value("token", ""), "secret");
}

// --- disconnect reasons ----------------------------------------------------

TEST_F(SioIntegration, ClientDisconnect) {
  Manager io(loop, url(), fast());
  ManagerLog mlog;
  mlog.attach(io);
  SocketLog log;
  Socket& s = io.socket();
  log.attach(s);
  ASSERT_TRUE(run_until(loop, [&] { return s.connected(); }));
  s.disconnect();
  EXPECT_FALSE(s.connected());
  EXPECT_FALSE(s.active());
  EXPECT_TRUE(s.id().empty());
  EXPECT_TRUE(log.disconnects.empty()) << "reported on a later turn, not inside disconnect()";
  ASSERT_TRUE(run_until(loop, [&] { return log.disconnects.size() == 1; }));
  EXPECT_EQ(log.disconnects[0], "io client disconnect");
  // The last namespace left: the shared connection closes and does not come back.
  ASSERT_TRUE(run_until(loop, [&] { return io.state() == ManagerState::closed; }));
  loop.run_once(500ms);
  EXPECT_TRUE(mlog.attempts.empty());
  EXPECT_EQ(log.disconnects.size(), 1u);
  // connect() again opens a new session.
  s.connect();
  ASSERT_TRUE(run_until(loop, [&] { return s.connected(); }));
  EXPECT_EQ(log.connects, 2);
  EXPECT_TRUE(echo(s, log, json::array({"again"})));
}

TEST_F(SioIntegration, ClientDisconnectReachesTheServerBeforeTheSessionCloses) {
  std::vector<std::string> wrong;  // what the server said, when it is not a namespace disconnect
  for (const char* transport : {"websocket", "polling"}) {
    std::string root_id, custom_id;
    {
      Manager io(loop, url(), fast({transport}));
      SocketLog root_log, custom_log;
      Socket& root = io.socket("/");
      Socket& custom = io.socket("/custom");
      root_log.attach(root);
      custom_log.attach(custom);
      ASSERT_TRUE(run_until(loop, [&] { return root.connected() && custom.connected(); })) << transport;
      root_id = root.id();
      custom_id = custom.id();
      custom.disconnect();  // DISCONNECT for /custom; the session stays for "/"
      ASSERT_TRUE(run_until(loop, [&] { return custom_log.disconnects.size() == 1; }));
      root.disconnect();  // the last namespace: DISCONNECT, then the Engine.IO close
      ASSERT_TRUE(run_until(loop, [&] { return io.state() == ManagerState::closed && root_log.disconnects.size() == 1; }));
      ASSERT_TRUE(run_until(loop, [&] { return !io.draining(); }, 5s));  // the goodbye went out
    }
    // Ask the server, from another connection, why those two sockets left.
    Manager observer(loop, url(), fast({"websocket"}));
    Socket& o = observer.socket();
    ASSERT_TRUE(run_until(loop, [&] { return o.connected(); }));
    json reasons;
    ASSERT_TRUE(run_until(loop, [&] {
      AckResult r = ask(o, "disconnect-reasons");
      reasons = r.args.empty() ? json::array() : r.args[0];
      int found = 0;
      for (const auto& e : reasons) found += e.value("id", "") == root_id || e.value("id", "") == custom_id;
      return found == 2;
    })) << transport << " " << reasons.dump();
    for (const auto& e : reasons) {
      const std::string id = e.value("id", "");
      if ((id == custom_id || id == root_id) && e.value("reason", "") != "client namespace disconnect")
        wrong.push_back(std::string(transport) + " " + e.value("nsp", "") + ": " + e.value("reason", ""));
    }
  }
  // On polling this needs the long-poll GET left to end by itself: engine.io drops a session
  // whose poll is aborted ("poll connection closed prematurely") before the in-flight POST
  // with the DISCONNECT is handled.
  EXPECT_TRUE(wrong.empty()) << ::testing::PrintToString(wrong);
}

TEST_F(SioIntegration, ManagerCloseDisconnectsEverySocketOnce) {
  Manager io(loop, url(), fast());
  ManagerLog mlog;
  mlog.attach(io);
  SocketLog root_log, custom_log;
  Socket& root = io.socket("/");
  Socket& custom = io.socket("/custom");
  root_log.attach(root);
  custom_log.attach(custom);
  ASSERT_TRUE(run_until(loop, [&] { return root.connected() && custom.connected(); }));
  io.close();
  ASSERT_TRUE(run_until(loop, [&] { return root_log.disconnects.size() == 1 && custom_log.disconnects.size() == 1; }));
  EXPECT_EQ(io.state(), ManagerState::closed);
  EXPECT_EQ(root_log.disconnects[0], "forced close");
  EXPECT_EQ(mlog.closes, (std::vector<std::string>{"forced close"}));
  loop.run_once(500ms);
  EXPECT_TRUE(mlog.attempts.empty()) << "close() stops reconnection";
  EXPECT_EQ(root_log.disconnects.size(), 1u);
}

TEST_F(SioIntegration, ServerDisconnect) {
  for (const char* transport : {"polling", "websocket"}) {
    Manager io(loop, url(), fast({transport}));
    ManagerLog mlog;
    mlog.attach(io);
    SocketLog log;
    Socket& s = io.socket();
    log.attach(s);
    ASSERT_TRUE(run_until(loop, [&] { return s.connected(); })) << transport;
    ASSERT_FALSE(s.emit("disconnect-me"));
    ASSERT_TRUE(run_until(loop, [&] { return !log.disconnects.empty(); })) << transport;
    EXPECT_EQ(log.disconnects[0], "io server disconnect") << transport;
    EXPECT_FALSE(s.connected());
    EXPECT_FALSE(s.active()) << "no reconnection after io server disconnect";
    loop.run_once(300ms);
    EXPECT_EQ(log.disconnects.size(), 1u) << transport;
    EXPECT_EQ(log.connects, 1) << transport;
  }
}

TEST_F(SioIntegration, ManagerClosesAfterServerDisconnectOfTheOnlyNamespace) {
  Manager io(loop, url(), fast({"websocket"}));
  ManagerLog mlog;
  mlog.attach(io);
  SocketLog log;
  Socket& s = io.socket();
  log.attach(s);
  ASSERT_TRUE(run_until(loop, [&] { return s.connected(); }));
  ASSERT_FALSE(s.emit("disconnect-me"));
  ASSERT_TRUE(run_until(loop, [&] { return !log.disconnects.empty(); }));
  if (!run_until(loop, [&] { return io.state() == ManagerState::closed; }, 2s)) {
    // Consequence: when that idle session later drops, the Manager reconnects with nothing to reconnect.
    server->kill_now();
    run_until(loop, [&] { return !mlog.attempts.empty(); }, 3s);
    FAIL() << "the Engine.IO session stayed open after \"io server disconnect\" on the only namespace; after the "
              "server then died the Manager made "
           << mlog.attempts.size() << " reconnect attempt(s) with no active socket";
  }
  EXPECT_EQ(io.state(), ManagerState::closed);
}

TEST_F(SioIntegration, TransportCloseWhenTheServerIsKilled) {
  for (const char* transport : {"websocket", "polling"}) {
    start_server();
    ManagerOptions mo = fast({transport});
    mo.reconnection = false;
    Manager io(loop, url(), mo);
    ManagerLog mlog;
    mlog.attach(io);
    SocketLog log;
    Socket& s = io.socket();
    log.attach(s);
    AckResult pending;
    ASSERT_TRUE(run_until(loop, [&] { return s.connected(); })) << transport;
    ASSERT_FALSE(s.emit("nobody-listens", json::array(), pending.callback()));
    server->kill_now();
    ASSERT_TRUE(run_until(loop, [&] { return !log.disconnects.empty(); })) << transport;
    // websocket: the TCP close is seen ("transport close"); polling: the next request fails,
    // which engine.io-client reports as "transport error".
    if (std::string(transport) == "websocket") {
      EXPECT_EQ(log.disconnects[0], "transport close");
    } else {
      EXPECT_TRUE(log.disconnects[0] == "transport close" || log.disconnects[0] == "transport error") << log.disconnects[0];
    }
    EXPECT_TRUE(s.active()) << "a transport loss keeps the socket active (it would reconnect)";
    ASSERT_TRUE(run_until(loop, [&] { return pending.done; })) << transport;
    EXPECT_EQ(pending.ec, errc::not_connected) << "pending acks fail on disconnect";
    ASSERT_EQ(mlog.closes.size(), 1u) << transport;
    EXPECT_EQ(mlog.closes[0], log.disconnects[0]);
    loop.run_once(300ms);
    EXPECT_TRUE(mlog.attempts.empty()) << "reconnection is off";
    EXPECT_EQ(log.disconnects.size(), 1u);
  }
}

// --- reconnection ----------------------------------------------------------

TEST_F(SioIntegration, ReconnectsAfterTheServerRestarts) {
  const std::uint16_t port = server->port();
  for (const char* transport : {"websocket", "polling"}) {
    ManagerOptions mo = fast({transport});
    Manager io(loop, url(), mo);
    ManagerLog mlog;
    mlog.attach(io);
    SocketLog log;
    Socket& s = io.socket();
    log.attach(s);
    ASSERT_TRUE(run_until(loop, [&] { return s.connected(); })) << transport;
    for (int cycle = 1; cycle <= 2; ++cycle) {
      const std::string first_id = s.id();
      server->kill_now();
      ASSERT_TRUE(run_until(loop, [&] { return static_cast<int>(log.disconnects.size()) == cycle; }))
          << transport << " cycle " << cycle;
      // Let at least one attempt fail against the dead port, then bring the server back.
      ASSERT_TRUE(run_until(loop, [&] { return mlog.reconnect_errors >= cycle; })) << transport;
      restart_server(port);
      ASSERT_TRUE(run_until(loop, [&] { return log.connects == cycle + 1; })) << transport << " cycle " << cycle;
      EXPECT_NE(s.id(), first_id) << "a new server: a new session";
      EXPECT_FALSE(s.recovered());
      EXPECT_TRUE(echo(s, log, json::array({"after restart", cycle}))) << transport;
      EXPECT_EQ(static_cast<int>(mlog.reconnects.size()), cycle) << transport;
      ASSERT_FALSE(mlog.attempts.empty());
      EXPECT_EQ(mlog.attempts.front(), 1u) << "attempts count from 1";
    }
    // Exactly one disconnect and one connect per cycle.
    loop.run_once(300ms);
    EXPECT_EQ(log.disconnects.size(), 2u) << transport;
    EXPECT_EQ(log.connects, 3) << transport;
    EXPECT_EQ(mlog.opens, 3) << transport;
    for (const auto& r : log.disconnects)
      EXPECT_TRUE(r == "transport close" || r == "transport error") << transport << " " << r;
    // reconnect carries the number of attempts the cycle took, and the count restarts each cycle.
    for (std::uint32_t n : mlog.reconnects) EXPECT_GE(n, 2u) << "at least one failed attempt, then the good one";
  }
}

TEST_F(SioIntegration, ReconnectionGivesUpAfterReconnectionAttempts) {
  ManagerOptions mo = fast({"websocket"});
  mo.reconnection_attempts = 2;
  Manager io(loop, url(), mo);
  ManagerLog mlog;
  mlog.attach(io);
  Socket& s = io.socket();
  ASSERT_TRUE(run_until(loop, [&] { return s.connected(); }));
  server->kill_now();
  ASSERT_TRUE(run_until(loop, [&] { return mlog.reconnect_failed == 1; }));
  EXPECT_EQ(mlog.attempts, (std::vector<std::uint32_t>{1, 2}));
  EXPECT_EQ(mlog.reconnect_errors, 2);
  EXPECT_EQ(io.state(), ManagerState::closed);
}

TEST_F(SioIntegration, SendBufferIsFlushedAfterReconnection) {
  const std::uint16_t port = server->port();
  Manager io(loop, url(), fast({"websocket"}));
  SocketLog log;
  Socket& s = io.socket();
  log.attach(s);
  ASSERT_TRUE(run_until(loop, [&] { return s.connected(); }));
  server->kill_now();
  ASSERT_TRUE(run_until(loop, [&] { return !log.disconnects.empty(); }));
  AckResult acked;
  for (int i = 0; i < 3; ++i) ASSERT_FALSE(s.emit("message", json::array({"buffered", i})));
  ASSERT_FALSE(s.emit("message-with-ack", json::array({"buffered ack"}), acked.callback()));
  restart_server(port);
  ASSERT_TRUE(run_until(loop, [&] { return log.count("message-back") == 3 && acked.done; }));
  const auto backs = log.of("message-back");
  for (int i = 0; i < 3; ++i)
    EXPECT_EQ(backs[static_cast<std::size_t>(i)], json::array({"buffered", i}));
  EXPECT_FALSE(acked.ec);
  EXPECT_EQ(acked.args, json::array({"buffered ack"}));
  AckResult count = ask(s, "count");
  EXPECT_EQ(count.args, json::array({3})) << "each buffered emit sent exactly once";
}

TEST_F(SioIntegration, SendBufferCanBeReadAndPartlyDiscarded) {
  ManagerOptions mo = fast({"websocket"});
  mo.auto_connect = false;
  Manager io(loop, url(), mo);
  Socket& s = io.socket();
  AckResult dropped;
  ASSERT_FALSE(s.emit("message", json::array({"move", 1}), dropped.callback()));
  ASSERT_FALSE(s.emit("message", json::array({"chat", json::binary({1, 2})})));
  ASSERT_FALSE(s.emit("message", json::array({"move", 2})));
  const auto buffered = s.send_buffer();
  ASSERT_EQ(buffered.size(), 3u);
  EXPECT_EQ(buffered[1].data, json::array({"message", "chat", json::binary({1, 2})}));
  // What a game does before it reconnects: stale moves go, the chat line stays.
  EXPECT_EQ(s.discard_buffered([](std::uint64_t, const json& data) { return data[1] == "move"; }), 2u);
  ASSERT_TRUE(run_until(loop, [&] { return dropped.done; }));
  EXPECT_EQ(dropped.ec, errc::emit_discarded);
  SocketLog log;
  log.attach(s);
  s.connect();
  ASSERT_TRUE(run_until(loop, [&] { return log.count("message-back") == 1; }));
  EXPECT_EQ(log.of("message-back")[0], json::array({"chat", json::binary({1, 2})}));
  AckResult count = ask(s, "count");
  EXPECT_EQ(count.args, json::array({1})) << "only the kept emit went out";
}

TEST_F(SioIntegration, SendBufferBoundsAreEnforced) {
  ManagerOptions mo = fast({"websocket"});
  mo.auto_connect = false;
  SocketOptions so;
  so.max_buffered_packets = 2;
  Manager io(loop, url(), mo);
  Socket& s = io.socket("/", so);
  EXPECT_FALSE(s.emit("message", json::array({0})));
  EXPECT_FALSE(s.emit("message", json::array({1})));
  EXPECT_EQ(s.emit("message", json::array({2})), errc::queue_full);
  SocketLog log;
  log.attach(s);
  s.connect();
  ASSERT_TRUE(run_until(loop, [&] { return log.count("message-back") == 2; }));
  AckResult count = ask(s, "count");
  EXPECT_EQ(count.args, json::array({2}));
}

TEST_F(SioIntegration, VolatileEmitsAreDroppedWhileDisconnected) {
  ManagerOptions mo = fast({"websocket"});
  mo.auto_connect = false;
  Manager io(loop, url(), mo);
  SocketLog log;
  Socket& s = io.socket();
  log.attach(s);
  AckResult volatile_ack;
  ASSERT_FALSE(s.emit("message", json::array({"volatile"}), EmitOptions{.is_volatile = true}));
  ASSERT_FALSE(s.emit("message-with-ack", json::array({"volatile"}), volatile_ack.callback(), EmitOptions{.is_volatile = true}));
  ASSERT_FALSE(s.emit("message", json::array({"kept"})));
  s.connect();
  ASSERT_TRUE(run_until(loop, [&] { return s.connected(); }));
  AckResult count = ask(s, "count");
  EXPECT_EQ(count.args, json::array({1})) << "only the non-volatile emit reached the server";
  ASSERT_EQ(log.count("message-back"), 1u);
  EXPECT_EQ(log.of("message-back")[0], json::array({"kept"}));
  EXPECT_FALSE(volatile_ack.done) << "a dropped volatile emit's ack is never called";
  // Connected and writable: a volatile emit goes out.
  ASSERT_TRUE(run_until(loop, [&] { return io.engine()->writable(); }));
  ASSERT_FALSE(s.emit("message", json::array({"volatile now"}), EmitOptions{.is_volatile = true}));
  ASSERT_TRUE(run_until(loop, [&] { return log.count("message-back") == 2; }));
  EXPECT_EQ(log.of("message-back")[1], json::array({"volatile now"}));
}

// --- connection state recovery ---------------------------------------------

TEST_F(SioIntegration, ConnectionStateRecoveryAfterAServerSideCut) {
  for (const char* transport : {"websocket", "polling"}) {
    Manager io(loop, url(), recovering({transport}));
    SocketLog log;
    Socket& s = io.socket();
    log.attach(s);
    ASSERT_TRUE(run_until(loop, [&] { return log.count("welcome") == 1; })) << transport;  // an offset to resume from
    EXPECT_FALSE(s.recovered());
    const std::string id = s.id();
    ASSERT_FALSE(s.emit("cut", json::array({5})));
    ASSERT_TRUE(run_until(loop, [&] { return log.disconnects.size() == 1; })) << transport;
    EXPECT_TRUE(log.disconnects[0] == "transport close" || log.disconnects[0] == "transport error") << log.disconnects[0];
    ASSERT_TRUE(run_until(loop, [&] { return log.connects == 2; })) << transport;
    EXPECT_TRUE(s.recovered()) << transport;
    EXPECT_EQ(s.id(), id) << transport << ": a recovered session keeps its id";
    ASSERT_TRUE(run_until(loop, [&] { return log.count("missed") >= 5; })) << transport;
    AckResult r = ask(s, "recovered");
    EXPECT_EQ(r.args, json::array({true}));
    loop.run_once(200ms);
    const auto missed = log.of("missed");
    ASSERT_EQ(missed.size(), 5u) << transport << ": every missed event exactly once";
    for (int i = 0; i < 5; ++i) {
      ASSERT_FALSE(missed[static_cast<std::size_t>(i)].empty());
      EXPECT_EQ(missed[static_cast<std::size_t>(i)][0], i) << transport;
    }
    // socket.io runs "connection" for a recovered socket too: a second welcome, with the same id.
    ASSERT_EQ(log.count("welcome"), 2u) << transport;
    EXPECT_EQ(log.of("welcome")[1][0], id) << transport;
    // A second cut resumes from the newest offset: nothing is replayed twice.
    ASSERT_FALSE(s.emit("cut", json::array({2})));
    ASSERT_TRUE(run_until(loop, [&] { return log.connects == 3 && log.count("missed") >= 7; })) << transport;
    loop.run_once(200ms);
    EXPECT_EQ(log.count("missed"), 7u) << transport;
    EXPECT_TRUE(s.recovered());
    EXPECT_EQ(s.id(), id);
  }
}

TEST_F(SioIntegration, RecoveryOffsetIgnoresEventsThatCarryAnAck) {
  // The server appends the offset only to events without an ack; "question" has one,
  // so its last string argument is user data, not an offset.
  Manager io(loop, url(), recovering({"websocket"}));
  SocketLog log;
  Socket& s = io.socket();
  log.attach(s);
  // No reply: an answer would carry a fresh offset and hide the problem.
  Subscription sub = s.on("question", [](const Args&, const Reply&) {});
  ASSERT_TRUE(run_until(loop, [&] { return log.count("welcome") == 1; }));
  const std::string id = s.id();
  ASSERT_FALSE(s.emit("ask", json::array({"not an offset"})));
  ASSERT_TRUE(run_until(loop, [&] { return log.count("question") == 1; }));
  ASSERT_FALSE(s.emit("cut", json::array({1})));
  ASSERT_TRUE(run_until(loop, [&] { return log.connects == 2; }));
  ASSERT_TRUE(s.recovered()) << "only events without an ack id carry an offset; \"not an offset\" must not be sent "
                                "back as one";
  EXPECT_EQ(s.id(), id);
}

TEST_F(SioIntegration, RetriesAckEveryEmitInOrderAcrossAReconnection) {
  const std::uint16_t port = server->port();
  ManagerOptions mo = fast({"websocket"});
  mo.socket.retries = 3;
  mo.socket.ack_timeout = 2000ms;
  Manager io(loop, url(), mo);
  SocketLog log;
  Socket& s = io.socket();
  log.attach(s);
  std::vector<std::pair<std::error_code, Args>> acks;
  auto emit = [&](int i) {
    ASSERT_FALSE(s.emit("message-with-ack", json::array({i}),
                        [&acks](std::error_code ec, const Args& a) { acks.emplace_back(ec, a); }));
  };
  ASSERT_TRUE(run_until(loop, [&] { return s.connected(); }));
  for (int i = 0; i < 5; ++i) emit(i);
  ASSERT_TRUE(run_until(loop, [&] { return acks.size() >= 2; }));
  server->kill_now();
  ASSERT_TRUE(run_until(loop, [&] { return !log.disconnects.empty(); }));
  for (int i = 5; i < 10; ++i) emit(i);
  restart_server(port);
  ASSERT_TRUE(run_until(loop, [&] { return acks.size() == 10; }, 30s));
  for (int i = 0; i < 10; ++i) {
    EXPECT_FALSE(acks[static_cast<std::size_t>(i)].first) << i << " " << error_id(acks[static_cast<std::size_t>(i)].first);
    EXPECT_EQ(acks[static_cast<std::size_t>(i)].second, json::array({i})) << "in order";
  }
  loop.run_once(300ms);
  EXPECT_EQ(acks.size(), 10u) << "each callback exactly once";
  // Plain emits go through the same queue, and an unanswered one gives up after `retries` resends.
  AckResult given_up;
  ASSERT_FALSE(s.emit("nobody-listens", json::array(), given_up.callback(), EmitOptions{.timeout = 100ms}));
  ASSERT_TRUE(run_until(loop, [&] { return given_up.done; }));
  EXPECT_EQ(given_up.ec, errc::ack_timeout);
}

// --- listeners -------------------------------------------------------------

TEST_F(SioIntegration, CatchAllListeners) {
  Manager io(loop, url(), fast({"websocket"}));
  Socket& s = io.socket();
  std::vector<std::string> order;
  std::vector<std::pair<std::string, Args>> outgoing;
  Subscription any = s.on_any([&](const std::string& e, const Args&) { order.push_back("any:" + e); });
  Subscription first = s.prepend_any([&](const std::string& e, const Args&) { order.push_back("first:" + e); });
  Subscription named = s.on("message-back", [&](const Args&, const Reply&) { order.push_back("on:message-back"); });
  Subscription out = s.on_any_outgoing([&](const std::string& e, const Args& a) { outgoing.emplace_back(e, a); });
  ASSERT_TRUE(run_until(loop, [&] { return s.connected(); }));
  ASSERT_FALSE(s.emit("message", json::array({"x", bin({1})})));
  ASSERT_TRUE(run_until(loop, [&] {
    return std::find(order.begin(), order.end(), "on:message-back") != order.end();
  }));
  const std::vector<std::string> expected = {"first:message-back", "any:message-back", "on:message-back"};
  const auto at = std::find(order.begin(), order.end(), "first:message-back");
  ASSERT_NE(at, order.end());
  EXPECT_EQ(std::vector<std::string>(at, at + 3), expected) << "prepend_any, on_any, then named listeners";
  ASSERT_EQ(outgoing.size(), 1u);
  EXPECT_EQ(outgoing[0].first, "message");
  EXPECT_EQ(outgoing[0].second, json::array({"x", bin({1})}));
  // off_any removes the incoming catch-alls only.
  s.off_any();
  order.clear();
  ASSERT_FALSE(s.emit("message", json::array({"y"})));
  ASSERT_TRUE(run_until(loop, [&] { return !order.empty(); }));
  loop.run_once(100ms);
  EXPECT_EQ(order, (std::vector<std::string>{"on:message-back"}));
  EXPECT_EQ(outgoing.size(), 2u) << "on_any_outgoing survives off_any";
  // Resetting a Subscription removes just that listener.
  out.reset();
  named.reset();
  int again = 0;
  Subscription probe = s.on("message-back", [&](const Args&, const Reply&) { ++again; });
  ASSERT_FALSE(s.emit("message", json::array({"z"})));
  ASSERT_TRUE(run_until(loop, [&] { return again == 1; }));
  EXPECT_TRUE(order.size() == 1u) << "the reset on() listener was not called";
  EXPECT_EQ(outgoing.size(), 2u) << "the reset outgoing listener was not called";
}

TEST_F(SioIntegration, OnceAndSubscriptionReset) {
  Manager io(loop, url(), fast({"websocket"}));
  SocketLog log;
  Socket& s = io.socket();
  log.attach(s);
  int once_calls = 0, on_calls = 0;
  Subscription once = s.once("message-back", [&](const Args&, const Reply&) { ++once_calls; });
  Subscription on = s.on("message-back", [&](const Args&, const Reply&) { ++on_calls; });
  ASSERT_TRUE(run_until(loop, [&] { return s.connected(); }));
  EXPECT_TRUE(echo(s, log, json::array({1})));
  EXPECT_TRUE(echo(s, log, json::array({2})));
  EXPECT_EQ(once_calls, 1);
  EXPECT_EQ(on_calls, 2);
  on.reset();
  EXPECT_TRUE(echo(s, log, json::array({3})));
  EXPECT_EQ(on_calls, 2) << "reset unsubscribes";
  {
    Subscription scoped = s.on("message-back", [&](const Args&, const Reply&) { ++on_calls; });
  }
  EXPECT_TRUE(echo(s, log, json::array({4})));
  EXPECT_EQ(on_calls, 2) << "a destroyed Subscription unsubscribes";
}

TEST_F(SioIntegration, EventsOfAnotherNamespaceAreNotSeen) {
  Manager io(loop, url(), fast({"websocket"}));
  SocketLog root_log, custom_log;
  Socket& root = io.socket("/");
  Socket& custom = io.socket("/custom");
  root_log.attach(root);
  custom_log.attach(custom);
  ASSERT_TRUE(run_until(loop, [&] { return root.connected() && custom.connected(); }));
  ASSERT_FALSE(custom.emit("shout", json::array({"to /custom"})));
  ASSERT_TRUE(run_until(loop, [&] { return custom_log.count("message-back") == 1; }));
  loop.run_once(100ms);
  EXPECT_EQ(root_log.count("message-back"), 0u);
}

// --- msgpack ---------------------------------------------------------------

TEST_F(SioIntegration, MsgpackParser) {
  start_server({"--msgpack"});
  for (const char* transport : {"polling", "websocket"}) {
    ManagerOptions mo = fast({transport});
    mo.parser = ParserKind::msgpack;
    Manager io(loop, url(), mo);
    ManagerLog mlog;
    mlog.attach(io);
    SocketLog root_log, custom_log, admin_log;
    Socket& root = io.socket("/");
    Socket& custom = io.socket("/custom");
    Socket& admin = io.socket("/admin");
    root_log.attach(root);
    custom_log.attach(custom);
    admin_log.attach(admin);
    ASSERT_TRUE(run_until(loop, [&] { return root.connected() && custom.connected() && !admin_log.connect_errors.empty(); }))
        << transport << (mlog.errors.empty() ? "" : " " + mlog.errors[0]);
    EXPECT_EQ(admin_log.connect_errors[0].message, "Not authorized");
    EXPECT_EQ(admin_log.connect_errors[0].data, json({{"reason", "bad token"}}));
    const Args args = json::array({"text", 1, -2, 3.25, true, nullptr, json{{"blob", bin({0, 1, 255})}, {"list", json::array({bin({9})})}}});
    EXPECT_TRUE(echo(root, root_log, args)) << transport;
    EXPECT_TRUE(echo(custom, custom_log, args)) << transport;
    AckResult r = ask(root, "message-with-ack", args);
    EXPECT_FALSE(r.ec);
    EXPECT_EQ(r.args, args) << transport;
    Subscription q = root.on("question", [](const Args&, const Reply& reply) { reply(json::array({bin({4, 2})})); });
    ASSERT_FALSE(root.emit("ask", json::array({"binary answer?"})));
    ASSERT_TRUE(run_until(loop, [&] { return root_log.count("answer") == 1; })) << transport;
    ASSERT_FALSE(root_log.of("answer")[0].empty());
    EXPECT_EQ(root_log.of("answer")[0][0], bin({4, 2})) << transport;
    EXPECT_TRUE(mlog.errors.empty()) << mlog.errors[0];
  }
}

// --- namespace CONNECT timeout ---------------------------------------------

TEST_F(SioIntegration, UnansweredNamespaceConnectTimesOut) {
  // ManagerOptions::timeout: "the Engine.IO handshake, then each namespace CONNECT".
  ManagerOptions mo = fast({"websocket"});
  mo.timeout = 500ms;
  Manager io(loop, url(), mo);
  SocketLog log;
  Socket& never = io.socket("/never");
  log.attach(never);
  ASSERT_TRUE(run_until(loop, [&] { return !log.connect_errors.empty(); }, 4s))
      << "an unanswered namespace CONNECT must end in connect_error after ManagerOptions::timeout";
  EXPECT_EQ(log.connect_errors[0].code, errc::connect_timeout);
  EXPECT_FALSE(never.connected());
}

// --- inactive sockets ------------------------------------------------------

TEST_F(SioIntegration, InactiveSocketsGetNoConnectErrorFromFailedReconnections) {
  Manager io(loop, url(), fast({"websocket"}));
  ManagerLog mlog;
  mlog.attach(io);
  SocketLog root_log, admin_log;
  Socket& root = io.socket("/");
  Socket& admin = io.socket("/admin");  // refused: inactive from then on
  root_log.attach(root);
  admin_log.attach(admin);
  ASSERT_TRUE(run_until(loop, [&] { return root.connected() && admin_log.connect_errors.size() == 1; }));
  server->kill_now();
  ASSERT_TRUE(run_until(loop, [&] { return mlog.reconnect_errors >= 2; }));
  EXPECT_GE(root_log.connect_errors.size(), 1u) << "the active socket hears about failed attempts";
  EXPECT_EQ(admin_log.connect_errors.size(), 1u)
      << "the refused (inactive) /admin socket must not hear about the Manager's failed reconnection attempts";
}

// --- destroying the Manager from callbacks ---------------------------------

TEST_F(SioIntegration, TheManagerMayBeDestroyedInsideAnyCallback) {
  enum class Where { on_connect, on_any, listener, ack, ack_timeout, disconnect, connect_error, reply, manager_close };
  for (Where where : {Where::on_connect, Where::on_any, Where::listener, Where::ack, Where::ack_timeout,
                      Where::disconnect, Where::connect_error, Where::reply, Where::manager_close}) {
    auto io = std::make_unique<Manager>(loop, url(), fast({"websocket"}));
    std::vector<Subscription> subs;
    bool destroyed = false;
    auto destroy = [&] {
      io.reset();
      destroyed = true;
    };
    Socket& s = io->socket(where == Where::connect_error ? "/admin" : "/");
    switch (where) {
      case Where::on_connect: subs.push_back(s.on_connect.on(destroy)); break;
      case Where::on_any:
        subs.push_back(s.on_any([&](const std::string& e, const Args&) {
          if (e == "message-back") destroy();
        }));
        subs.push_back(s.on_connect.on([&] { (void)s.emit("message", json::array({1, bin({2})})); }));
        break;
      case Where::listener:
        subs.push_back(s.on("welcome", [&](const Args&, const Reply&) { destroy(); }));
        break;
      case Where::ack:
        subs.push_back(s.on_connect.on([&] {
          (void)s.emit("message-with-ack", json::array({1}), [&](std::error_code, const Args&) { destroy(); });
        }));
        break;
      case Where::ack_timeout:
        subs.push_back(s.on_connect.on([&] {
          (void)s.emit("nobody-listens", json::array(), [&](std::error_code, const Args&) { destroy(); },
                       EmitOptions{.timeout = 50ms});
        }));
        break;
      case Where::disconnect:
        subs.push_back(s.on_disconnect.on([&](const std::string&) { destroy(); }));
        subs.push_back(s.on_connect.on([&] { (void)s.emit("disconnect-me"); }));
        break;
      case Where::connect_error:
        subs.push_back(s.on_connect_error.on([&](const ConnectError&) { destroy(); }));
        break;
      case Where::reply:
        subs.push_back(s.on("question", [&](const Args&, const Reply& reply) {
          destroy();
          reply(json::array({"after destroy"}));  // must be a harmless no-op
        }));
        subs.push_back(s.on_connect.on([&] { (void)s.emit("ask", json::array({"?"})); }));
        break;
      case Where::manager_close:
        subs.push_back(io->on_close.on([&](const std::string&) { destroy(); }));
        subs.push_back(s.on_connect.on([&] { (void)s.emit("cut", json::array({0})); }));
        break;
    }
    ASSERT_TRUE(run_until(loop, [&] { return destroyed; })) << static_cast<int>(where);
    subs.clear();  // the emitters are gone: the Subscriptions must still be safe to drop
    loop.run_once(100ms);  // anything still posted must not touch the dead Manager
  }
}

TEST_F(SioIntegration, TheManagerMayBeDestroyedInsideItsOwnEvents) {
  enum class Where { open, ping, error, reconnect_attempt, reconnect_error, reconnect };
  const std::uint16_t port = server->port();
  bool killed = false;
  for (Where where : {Where::open, Where::ping, Where::error, Where::reconnect_attempt, Where::reconnect_error,
                      Where::reconnect}) {
    if (killed) restart_server(port);
    killed = false;
    const bool dead_port = where == Where::error;
    auto io = std::make_unique<Manager>(loop, dead_port ? "http://127.0.0.1:1/" : url(), fast({"websocket"}));
    bool destroyed = false;
    auto destroy = [&] {
      io.reset();
      destroyed = true;
    };
    std::vector<Subscription> subs;
    switch (where) {
      case Where::open: subs.push_back(io->on_open.on(destroy)); break;
      case Where::ping: subs.push_back(io->on_ping.on(destroy)); break;
      case Where::error: subs.push_back(io->on_error.on([&](std::error_code, const std::string&) { destroy(); })); break;
      case Where::reconnect_attempt: subs.push_back(io->on_reconnect_attempt.on([&](std::uint32_t) { destroy(); })); break;
      case Where::reconnect_error:
        subs.push_back(io->on_reconnect_error.on([&](std::error_code, const std::string&) { destroy(); }));
        break;
      case Where::reconnect: subs.push_back(io->on_reconnect.on([&](std::uint32_t) { destroy(); })); break;
    }
    Socket& s = io->socket();
    if (where == Where::reconnect_attempt || where == Where::reconnect_error || where == Where::reconnect) {
      ASSERT_TRUE(run_until(loop, [&] { return destroyed || s.connected(); }));
      ASSERT_FALSE(destroyed) << "destroyed before the first connection, in event " << static_cast<int>(where);
      server->kill_now();
      killed = true;
      if (where == Where::reconnect) {
        ManagerLog mlog;
        mlog.attach(*io);
        ASSERT_TRUE(run_until(loop, [&] { return mlog.reconnect_errors >= 1; }));
        restart_server(port);
        killed = false;
      }
    }
    ASSERT_TRUE(run_until(loop, [&] { return destroyed; })) << static_cast<int>(where);
    subs.clear();
    loop.run_once(100ms);
  }
}

TEST_F(SioIntegration, DisconnectInsideOnConnect) {
  Manager io(loop, url(), fast());
  SocketLog log;
  Socket& s = io.socket();
  log.attach(s);
  Subscription sub = s.on_connect.on([&] { s.disconnect(); });
  ASSERT_TRUE(run_until(loop, [&] { return log.disconnects.size() == 1; }));
  EXPECT_EQ(log.disconnects[0], "io client disconnect");
  EXPECT_FALSE(s.active());
  ASSERT_TRUE(run_until(loop, [&] { return io.state() == ManagerState::closed; }));
}

TEST_F(SioIntegration, ConnectRightAfterManagerCloseReconnects) {
  // socket.io-client: manager.close() disconnects the sockets at once ("forced close"),
  // so a socket.connect() right after it opens a new session.
  Manager io(loop, url(), fast());
  SocketLog log;
  Socket& s = io.socket();
  log.attach(s);
  ASSERT_TRUE(run_until(loop, [&] { return s.connected(); }));
  io.close();
  const bool connected_after_close = s.connected();
  s.connect();
  const bool reconnected = run_until(loop, [&] { return log.connects == 2 && s.connected(); }, 3s);
  EXPECT_FALSE(connected_after_close) << "close() disconnects the sockets at once (events follow later)";
  ASSERT_TRUE(reconnected) << "connect() right after close() opens a new session (connects: " << log.connects << ")";
  EXPECT_TRUE(echo(s, log, json::array({"after close and connect"})));
}

TEST_F(SioIntegration, DestroyingTheManagerWhileConnectedIsClean) {
  for (const char* transport : {"polling", "websocket"}) {
    auto io = std::make_unique<Manager>(loop, url(), fast({transport}));
    Socket& s = io->socket();
    ASSERT_TRUE(run_until(loop, [&] { return s.connected(); }));
    (void)s.emit("message", json::array({"in flight"}), [](std::error_code, const Args&) {});
    io.reset();
    loop.run_once(200ms);
  }
}

}  // namespace
}  // namespace twinsock::sio

namespace twinsock::sio {
namespace {

// Emits `event` with an ack and returns the server's answer (its first argument): the
// cookie logs of sio-server.mjs.
nlohmann::json ask_log(native::PollLoop& loop, Socket& s, const char* event) {
  nlohmann::json log;
  bool answered = false;
  EXPECT_FALSE(s.emit(event, nlohmann::json::array(), [&](std::error_code ec, const Args& args) {
    answered = !ec;
    if (!args.empty()) log = args[0];
  }));
  EXPECT_TRUE(testing::run_until(loop, [&] { return answered; })) << event;
  return log;
}

TEST(SioCookies, TheManagersCookieJarSendsTheStickyCookieBackOnEveryRequest) {
  testing::ServerProcess server("sio-server.mjs", {"--cookie"});
  ASSERT_TRUE(server.ok());
  native::PollLoop loop;
  ManagerOptions o;
  o.engine.transports = {"polling"};
  Manager io(loop, server.url("http", "/"), o);
  Socket& s = io.socket();
  ASSERT_TRUE(testing::run_until(loop, [&] { return s.connected(); }));
  for (int i = 0; i < 3; ++i) ASSERT_FALSE(s.emit("message", nlohmann::json::array({i})));
  const nlohmann::json log = ask_log(loop, s, "cookies");
  ASSERT_GE(log.size(), 3u) << log.dump();
  EXPECT_TRUE(log[0].is_null()) << "the handshake carries no cookie yet: " << log.dump();
  for (std::size_t i = 1; i < log.size(); ++i) {
    ASSERT_TRUE(log[i].is_string()) << log.dump();
    const std::string cookies = log[i].get<std::string>();
    EXPECT_NE(cookies.find("lb="), std::string::npos) << log.dump();
    EXPECT_NE(cookies.find("path=1"), std::string::npos) << log.dump();
    // Expired (Max-Age=0), another Path, Secure over http: never sent.
    for (const char* absent : {"gone=", "elsewhere=", "tls="}) EXPECT_EQ(cookies.find(absent), std::string::npos) << cookies;
  }
}

// A server that sets cookies without end cannot grow the jar without end.
TEST(SioCookies, TheJarKeepsTheNewest180CookiesAndNoNamelessOne) {
  testing::ServerProcess server("sio-server.mjs", {"--cookie", "--cookie-flood"});
  ASSERT_TRUE(server.ok());
  native::PollLoop loop;
  ManagerOptions o;
  o.engine.transports = {"polling"};
  o.engine.http_limits.max_headers = 300;  // 200 Set-Cookie lines: over the default 100
  Manager io(loop, server.url("http", "/"), o);
  Socket& s = io.socket();
  ASSERT_TRUE(testing::run_until(loop, [&] { return s.connected(); }));
  const nlohmann::json log = ask_log(loop, s, "cookies");
  ASSERT_FALSE(log.empty()) << log.dump();
  ASSERT_TRUE(log.back().is_string()) << log.dump();
  const std::string header = log.back().get<std::string>();
  std::set<std::string> sent;
  for (std::size_t at = 0; at <= header.size();) {
    const std::size_t end = std::min(header.find("; ", at), header.size());
    sent.insert(header.substr(at, end - at));
    at = end + 2;
  }
  std::set<std::string> newest;
  for (int i = 20; i < 200; ++i) newest.insert("n" + std::to_string(i) + "=1");
  EXPECT_EQ(sent, newest) << "the newest 180, nothing nameless: " << header;
}

// Cookie-sticky load balancers route the WebSocket upgrade by the cookie too.
TEST(SioCookies, TheStickyCookieGoesWithTheWebSocketUpgrade) {
  testing::ServerProcess server("sio-server.mjs", {"--cookie"});
  ASSERT_TRUE(server.ok());
  native::PollLoop loop;
  Manager io(loop, server.url("http", "/"));
  Socket& s = io.socket();
  ASSERT_TRUE(testing::run_until(loop, [&] {
    return s.connected() && io.engine() && io.engine()->transport_name() == "websocket";
  }));
  const nlohmann::json log = ask_log(loop, s, "websocket-cookies");
  ASSERT_EQ(log.size(), 1u) << log.dump();
  ASSERT_TRUE(log[0].is_string()) << log.dump();
  const std::string cookies = log[0].get<std::string>();
  EXPECT_NE(cookies.find("lb="), std::string::npos) << cookies;
  EXPECT_NE(cookies.find("path=1"), std::string::npos) << cookies;
}

}  // namespace
}  // namespace twinsock::sio
