// Scale-out: native Socket.IO clients through nginx in front of two Socket.IO nodes
// ("A" and "B") that share rooms through @socket.io/redis-adapter on a local
// redis-server (tests/scale/cluster.mjs). The clusters are sticky by
// - ip_hash: every client sends its own X-Forwarded-For (198.18.<n>.1, the benchmarking
//   range: just text in a header) so loopback clients spread over both nodes;
// - cookie:  nginx routes on the `scale_node` cookie the node sets on the handshake,
//   which only the client's cookie jar brings back.
// Measured numbers go to stdout as `scale:` lines. Every wait is bounded by run_until;
// no test asserts on timing.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cluster_process.hpp"
#include "integration/run_until.hpp"
#include "twinsock/eio/cookie_jar.hpp"
#include "twinsock/eio/socket.hpp"
#include "twinsock/native/poll_loop.hpp"
#include "twinsock/sio/manager.hpp"

namespace twinsock::testing {
namespace {

using namespace std::chrono_literals;
using json = nlohmann::json;
using Clock = std::chrono::steady_clock;

constexpr const char* kRoom = "lobby";

void run_for(native::PollLoop& loop, std::chrono::milliseconds period) {
  run_until(loop, [] { return false; }, period);
}

// One Socket.IO client of the cluster. On every connect it joins the room, and the
// join's ack names the node it landed on.
struct Client {
  Client(native::PollLoop& loop, const std::string& url, sio::ManagerOptions options)
      : jar(std::make_shared<eio::CookieJar>()) {
    options.engine.cookie_jar = jar;
    io = std::make_unique<sio::Manager>(loop, url, std::move(options));
    sio::Socket& s = io->socket();
    subs.push_back(s.on_connect.on([this, &s] {
      ++connects;
      s.emit("join", json::array({kRoom}), [this](std::error_code ec, const sio::Args& a) {
        if (ec || a.empty() || !a[0].is_string()) return;
        node = a[0];
        joined = true;
      });
    }));
    subs.push_back(s.on_disconnect.on([this](const std::string& reason) {
      disconnects.push_back(reason);
      joined = false;
    }));
    subs.push_back(s.on("news", [this](const sio::Args& a, const sio::Reply&) { news.push_back(a.at(0)); }));
  }

  sio::Socket& socket() { return io->socket(); }
  std::string sid() { return io->engine() ? io->engine()->id() : ""; }
  std::string transport() { return io->engine() ? io->engine()->transport_name() : ""; }
  // The sticky cookie the jar holds ("" when none).
  std::string node_cookie() const {
    for (const auto& c : jar->cookies())
      if (c.name == "scale_node") return c.value;
    return "";
  }

  std::shared_ptr<eio::CookieJar> jar;
  std::unique_ptr<sio::Manager> io;
  int connects = 0;
  std::vector<std::string> disconnects;
  std::string node;   // where the last join landed
  bool joined = false;
  std::vector<json> news;
  std::vector<Subscription> subs;  // last: unsubscribed before the Manager goes
};

using Clients = std::vector<std::unique_ptr<Client>>;

// Starting a cluster takes seconds, so the tests of one sticky mode share one; the
// failover test, which kills a node, takes it over (a test after it starts a new one).
class Clusters : public ::testing::Environment {
 public:
  static ClusterProcess& get(Sticky sticky) {
    auto& cluster = slots()[sticky];
    if (!cluster) cluster = std::make_unique<ClusterProcess>(sticky);
    return *cluster;
  }
  static std::unique_ptr<ClusterProcess> take(Sticky sticky) {
    get(sticky);
    return std::move(slots()[sticky]);
  }
  void TearDown() override { slots().clear(); }

 private:
  static std::map<Sticky, std::unique_ptr<ClusterProcess>>& slots() {
    static std::map<Sticky, std::unique_ptr<ClusterProcess>> clusters;
    return clusters;
  }
};
[[maybe_unused]] const auto* const kClusters = ::testing::AddGlobalTestEnvironment(new Clusters);

class ScaleTest : public ::testing::TestWithParam<Sticky> {
 protected:
  void SetUp() override {
    cluster = &Clusters::get(sticky());
    ASSERT_TRUE(cluster->ok()) << cluster->error();
  }

  Sticky sticky() const { return GetParam(); }
  const char* mode() const { return sticky_name(sticky()); }

  // Quick reconnection (the defaults wait 1 s to 5 s); under ip_hash each client
  // stands for a network of its own.
  sio::ManagerOptions options(int n, std::vector<std::string> transports) const {
    sio::ManagerOptions o;
    o.reconnection_delay = 100ms;
    o.reconnection_delay_max = 300ms;
    o.engine.transports = std::move(transports);
    if (sticky() == Sticky::ip_hash)
      o.engine.extra_headers.push_back({"X-Forwarded-For", "198.18." + std::to_string(n) + ".1"});
    return o;
  }

  // `count` clients, joined to the room; transports(n) picks each one's transports.
  template <typename Transports>
  Clients connect(int count, Transports transports) {
    Clients clients;
    for (int n = 1; n <= count; ++n)
      clients.push_back(std::make_unique<Client>(loop, cluster->url(), options(n, transports(n))));
    EXPECT_TRUE(run_until(loop, [&] {
      for (auto& c : clients)
        if (!c->joined) return false;
      return true;
    })) << "every client connects through nginx and joins the room";
    return clients;
  }

  static int on_node(const Clients& clients, const std::string& node) {
    int n = 0;
    for (const auto& c : clients) n += c->node == node;
    return n;
  }

  // Broadcasts {seq} from `node` and waits until every client has `expect` news.
  void broadcast(Clients& clients, const std::string& node, int seq, std::size_t expect) {
    ASSERT_TRUE(cluster->broadcast(node, kRoom, "news", {{"seq", seq}})) << "broadcast from " << node;
    EXPECT_TRUE(run_until(loop, [&] {
      for (auto& c : clients)
        if (c->news.size() < expect) return false;
      return true;
    })) << "every client, on either node, gets the broadcast from " << node;
  }

  static std::size_t delivered(const Clients& clients) {
    std::size_t n = 0;
    for (const auto& c : clients) n += c->news.size();
    return n;
  }

  native::PollLoop loop;
  ClusterProcess* cluster = nullptr;
  std::unique_ptr<ClusterProcess> owned;  // a cluster this test alone uses
};

std::vector<std::string> default_transports(int) { return {"polling", "websocket"}; }
std::vector<std::string> polling_only(int) { return {"polling"}; }

TEST_P(ScaleTest, RoomBroadcastFromOneNodeReachesTheClientsOfBoth) {
  Clients clients = connect(6, default_transports);
  const int on_a = on_node(clients, "A");
  const int on_b = on_node(clients, "B");
  ASSERT_GT(on_a, 0) << "the balancer spreads the clients over both nodes";
  ASSERT_GT(on_b, 0) << "the balancer spreads the clients over both nodes";
  // The WebSocket upgrade sticks too: a probe that reached the other node would fail
  // and leave the session on polling.
  EXPECT_TRUE(run_until(loop, [&] {
    for (auto& c : clients)
      if (c->transport() != "websocket") return false;
    return true;
  })) << "every session upgrades to websocket through the balancer";

  broadcast(clients, "B", 1, 1);
  broadcast(clients, "A", 2, 2);
  run_for(loop, 200ms);  // a duplicate would arrive meanwhile
  for (auto& c : clients) {
    ASSERT_EQ(c->news.size(), 2u) << "on node " << c->node;
    EXPECT_EQ(c->news[0], json({{"from", "B"}, {"data", {{"seq", 1}}}}));
    EXPECT_EQ(c->news[1], json({{"from", "A"}, {"data", {{"seq", 2}}}}));
    EXPECT_EQ(c->connects, 1);
  }
  std::printf("scale: %s broadcast: %zu clients (%d on A, %d on B), %zu/%zu room messages delivered across nodes\n",
              mode(), clients.size(), on_a, on_b, delivered(clients), 2 * clients.size());
}

TEST_P(ScaleTest, PollingOnlyClientsStayOnTheirNode) {
  constexpr int kMessages = 40;
  Clients clients = connect(6, polling_only);
  ASSERT_GT(on_node(clients, "A"), 0) << "the balancer spreads the clients over both nodes";
  ASSERT_GT(on_node(clients, "B"), 0) << "the balancer spreads the clients over both nodes";

  // Each client sends its messages one after the other (each needs its own POST),
  // and each ack names the node that handled it.
  std::vector<int> acked(clients.size(), 0);
  std::vector<int> elsewhere(clients.size(), 0);
  std::function<void(std::size_t, int)> send = [&](std::size_t i, int seq) {
    clients[i]->socket().emit("echo", json::array({seq}), [&, i, seq](std::error_code ec, const sio::Args& a) {
      if (ec) return;
      if (a != json::array({clients[i]->node, seq})) ++elsewhere[i];
      if (++acked[i] < kMessages) send(i, seq + 1);
    });
  };
  for (std::size_t i = 0; i < clients.size(); ++i) send(i, 0);
  ASSERT_TRUE(run_until(loop, [&] {
    for (int n : acked)
      if (n < kMessages) return false;
    return true;
  }, 30s)) << "every message is acknowledged";

  const json sessions = cluster->sessions();
  long requests = 0;
  for (std::size_t i = 0; i < clients.size(); ++i) {
    Client& c = *clients[i];
    EXPECT_EQ(elsewhere[i], 0) << "every ack comes from the client's node " << c.node;
    EXPECT_EQ(c.connects, 1);
    EXPECT_TRUE(c.disconnects.empty()) << c.disconnects.front();
    EXPECT_EQ(c.transport(), "polling");
    const json& seen = sessions.value(c.sid(), json::object());
    ASSERT_EQ(seen.size(), 1u) << "every request of session " << c.sid() << " reaches one node: " << seen.dump();
    EXPECT_TRUE(seen.contains(c.node)) << seen.dump();
    EXPECT_GE(seen.value(c.node, 0), kMessages) << "one POST per message at least";
    requests += seen.value(c.node, 0);
    if (sticky() == Sticky::cookie) {
      EXPECT_EQ(c.node_cookie(), c.node) << "the jar holds the node's cookie";
    }
  }
  std::printf("scale: %s polling: %zu clients, %zu messages delivered, %ld HTTP requests, all on their node\n",
              mode(), clients.size(), clients.size() * kMessages, requests);
}

TEST_P(ScaleTest, KillingANodeMovesItsClientsToTheOther) {
  owned = Clusters::take(sticky());
  cluster = owned.get();
  // Clients 2, 3 and 6 poll, the others upgrade to websocket: both kinds end up on
  // each node, under ip_hash (odd n on B) as under round-robin (odd n on A).
  Clients clients = connect(6, [](int n) { return (n / 2) % 2 ? polling_only(n) : default_transports(n); });
  const int moving = on_node(clients, "A");
  ASSERT_GT(moving, 0) << "the balancer spreads the clients over both nodes";
  ASSERT_GT(on_node(clients, "B"), 0) << "the balancer spreads the clients over both nodes";
  std::vector<bool> was_on_a;
  for (auto& c : clients) was_on_a.push_back(c->node == "A");
  broadcast(clients, "B", 1, 1);

  const auto killed = Clock::now();
  ASSERT_TRUE(cluster->kill("A"));
  ASSERT_TRUE(run_until(loop, [&] {
    for (std::size_t i = 0; i < clients.size(); ++i)
      if (was_on_a[i] && !(clients[i]->connects == 2 && clients[i]->joined)) return false;
    return true;
  })) << "the clients of A reconnect through the balancer and join the room again";
  const auto moved = Clock::now();
  broadcast(clients, "B", 2, 2);
  run_for(loop, 300ms);  // a duplicate connect or message would arrive meanwhile

  for (std::size_t i = 0; i < clients.size(); ++i) {
    Client& c = *clients[i];
    SCOPED_TRACE("client " + std::to_string(i + 1) + (was_on_a[i] ? " (was on A)" : " (on B)"));
    EXPECT_EQ(c.node, "B");
    if (was_on_a[i]) {
      EXPECT_EQ(c.connects, 2) << "one connect, one reconnect";
      ASSERT_EQ(c.disconnects.size(), 1u);
      EXPECT_TRUE(c.disconnects[0] == "transport close" || c.disconnects[0] == "transport error")
          << c.disconnects[0];
      if (sticky() == Sticky::cookie) {
        EXPECT_EQ(c.node_cookie(), "B") << "B's handshake replaced A's cookie";
      }
    } else {
      EXPECT_EQ(c.connects, 1) << "the clients of B are not disturbed";
      EXPECT_TRUE(c.disconnects.empty()) << c.disconnects.front();
    }
    ASSERT_EQ(c.news.size(), 2u);
    EXPECT_EQ(c.news[1], json({{"from", "B"}, {"data", {{"seq", 2}}}}));
  }
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(moved - killed).count();
  std::printf("scale: %s failover: %d of %zu clients moved A->B, reconnect %lld ms (kill to the last rejoin), "
              "%zu/%zu broadcasts delivered\n",
              mode(), moving, clients.size(), static_cast<long long>(ms), delivered(clients), 2 * clients.size());
}

INSTANTIATE_TEST_SUITE_P(Sticky, ScaleTest, ::testing::Values(Sticky::ip_hash, Sticky::cookie),
                         [](const auto& info) { return std::string(sticky_name(info.param)); });

// The cookie variant sticks only because the client's cookie jar sends the node's cookie
// back: the same polling session without a jar is balanced round-robin, and its next
// request lands on the node that does not know it.
TEST(ScaleCookieJar, PollingSticksWithTheJarAndLandsOnTheWrongNodeWithout) {
  native::PollLoop loop;
  ClusterProcess& cluster = Clusters::get(Sticky::cookie);
  ASSERT_TRUE(cluster.ok()) << cluster.error();

  struct Session {
    std::unique_ptr<eio::Socket> socket;
    std::vector<std::string> messages;
    std::vector<std::string> closes;
    std::vector<Subscription> subs;
  };
  auto open = [&](std::shared_ptr<eio::CookieJar> jar) {
    eio::SocketOptions o;
    o.path = "/socket.io/";
    o.transports = {"polling"};
    o.cookie_jar = std::move(jar);
    auto s = std::make_unique<Session>();
    s->socket = std::make_unique<eio::Socket>(loop, cluster.url(), o);
    Session* raw = s.get();
    s->subs.push_back(s->socket->on_message.on([raw](const eio::Message& m) { raw->messages.push_back(m.data); }));
    s->subs.push_back(
        s->socket->on_close.on([raw](const std::string& reason, std::error_code) { raw->closes.push_back(reason); }));
    s->socket->open();
    return s;
  };

  // With a jar: Socket.IO packets by hand (CONNECT, then "echo" events with acks).
  constexpr int kMessages = 20;
  auto jar = std::make_shared<eio::CookieJar>();
  auto with = open(jar);
  ASSERT_TRUE(run_until(loop, [&] { return with->socket->ready_state() == eio::ReadyState::open; }));
  ASSERT_FALSE(with->socket->send({false, "0"}));
  ASSERT_TRUE(run_until(loop, [&] { return !with->messages.empty(); }));
  ASSERT_EQ(with->messages[0].rfind("0{", 0), 0u) << with->messages[0];
  for (int i = 0; i < kMessages; ++i) {
    const std::string id = std::to_string(i);
    ASSERT_FALSE(with->socket->send({false, "2" + id + "[\"echo\"," + id + "]"}));
    ASSERT_TRUE(run_until(loop, [&] { return with->messages.size() == static_cast<std::size_t>(i) + 2; }))
        << "the ack of message " << i << (with->closes.empty() ? "" : ", closed: " + with->closes[0]);
  }
  const std::string node = jar->cookies().empty() ? "" : jar->cookies()[0].value;
  ASSERT_TRUE(node == "A" || node == "B") << "the node's cookie is in the jar";
  EXPECT_EQ(with->messages.back(), "3" + std::to_string(kMessages - 1) + "[\"" + node + "\"," +
                                       std::to_string(kMessages - 1) + "]");
  EXPECT_TRUE(with->closes.empty());
  json sessions = cluster.sessions();
  const json with_seen = sessions.value(with->socket->id(), json::object());
  EXPECT_EQ(with_seen.size(), 1u) << "with the jar every request reaches node " << node << ": " << with_seen.dump();
  with->socket->close();

  // Without a jar: the handshake lands on one node, a later request on the other,
  // which does not know the session ("Session ID unknown": a transport error).
  auto without = open(nullptr);
  ASSERT_TRUE(run_until(loop, [&] { return !without->closes.empty(); }))
      << "without cookies the session breaks on the wrong node";
  EXPECT_EQ(without->closes[0], "transport error");
  sessions = cluster.sessions();
  const json without_seen = sessions.value(without->socket->id(), json::object());
  EXPECT_TRUE(without_seen.contains("A") && without_seen.contains("B"))
      << "the session's requests reached both nodes: " << without_seen.dump();
  run_until(loop, [&] { return with->socket->finished() && without->socket->finished(); }, 5s);
  std::printf("scale: cookie jar: with it %d/%d messages acked by node %s only; without it session %s reached %s "
              "and closed with \"%s\"\n",
              kMessages, kMessages, node.c_str(), without->socket->id().c_str(), without_seen.dump().c_str(),
              without->closes[0].c_str());
}

}  // namespace
}  // namespace twinsock::testing
