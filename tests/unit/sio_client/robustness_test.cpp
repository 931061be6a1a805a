// Fail-at-step-N: a scripted session (open, handshake, CONNECT /, CONNECT /chat,
// a server event, emits with acks, the ack, a server ping, disconnect) where the
// transport fails at step 0, 1, 2, ... in several ways; then the Manager recovers.
// Invariants: no double callbacks, exactly one disconnect per connect, every ack
// callback called exactly once, no timers left once the Manager is gone, and
// destroying the Manager from inside any callback is safe (ASan/UBSan build).
#include "sio_test_fixture.hpp"

#include <algorithm>
#include <functional>
#include <map>

namespace twinsock::sio {
namespace {

using V = std::vector<std::string>;

enum class Failure { none, drop, clean_close, garbage, eio_close, clock };
constexpr int kSteps = 9;

const char* name_of(Failure f) {
  switch (f) {
    case Failure::none: return "none";
    case Failure::drop: return "drop";
    case Failure::clean_close: return "clean_close";
    case Failure::garbage: return "garbage";
    case Failure::eio_close: return "eio_close";
    case Failure::clock: return "clock";
  }
  return "?";
}

struct Session : Harness {
  Socket* root = nullptr;
  Socket* chat = nullptr;
  std::map<std::string, int> connects, disconnects;
  std::vector<int> ack_calls;  // per ack callback
  std::string destroy_at;      // destroy the Manager on the first call of this hook
  bool destroyed = false;
  int nested_violations = 0;

  bool alive() const { return mgr != nullptr; }

  bool in_user_emit = false;

  void hook(const std::string& point) {
    (void)in_user_emit;  // on_any_outgoing may destroy the Manager inside an emit and inside the flush alike
    if (!destroyed && point == destroy_at) {
      destroyed = true;
      mgr.reset();
    }
  }

  void setup() {
    ManagerOptions o = options();
    make(std::move(o));
    Manager& m = *mgr;
    subs.push_back(m.on_open.on([this] { hook("open"); }));
    subs.push_back(m.on_close.on([this](const std::string&) { hook("close"); }));
    subs.push_back(m.on_error.on([this](std::error_code, const std::string&) { hook("error"); }));
    subs.push_back(m.on_ping.on([this] { hook("ping"); }));
    subs.push_back(m.on_reconnect_attempt.on([this](std::uint32_t) { hook("reconnect_attempt"); }));
    subs.push_back(m.on_reconnect.on([this](std::uint32_t) { hook("reconnect"); }));
    subs.push_back(m.on_reconnect_error.on([this](std::error_code, const std::string&) { hook("reconnect_error"); }));
    root = &m.socket("/");
    chat = &m.socket("/chat");
    for (Socket* s : {root, chat}) {
      const std::string n = s->nsp();
      subs.push_back(s->on_connect.on([this, n] {
        if (++connects[n] - disconnects[n] != 1) ++nested_violations;
        hook("connect" + n);
      }));
      subs.push_back(s->on_disconnect.on([this, n](const std::string&) {
        if (connects[n] - ++disconnects[n] != 0) ++nested_violations;
        hook("disconnect" + n);
      }));
      subs.push_back(s->on_connect_error.on([this, n](const ConnectError&) { hook("connect_error" + n); }));
      subs.push_back(s->on_any([this](const std::string&, const Args&) { hook("any"); }));
      subs.push_back(s->on_any_outgoing([this](const std::string&, const Args&) { hook("any_outgoing"); }));
      subs.push_back(s->on("news", [this](const Args&, const Reply& reply) {
        reply(Args{"thanks"});
        hook("event");
      }));
    }
    loop.run_posted();
  }

  AckCallback ack() {
    const std::size_t i = ack_calls.size();
    ack_calls.push_back(0);
    return [this, i](std::error_code, const Args&) {
      ++ack_calls[i];
      hook("ack");
    };
  }

  void step(int n) {
    WsConn* c = conn();
    if (!c) return;
    switch (n) {
      case 0: c->open(); break;
      case 1: c->text(eio_open("e1")); break;
      case 2: c->text("4" + sio_connect("/", "r1")); break;
      case 3: c->text("4" + sio_connect("/chat", "c1")); break;
      case 4: c->text("42/chat,[\"news\",1]"); break;
      case 5:
        in_user_emit = true;
        if (alive()) chat->emit("q", 1, ack());
        if (alive()) chat->emit("q", 2, ack(), {.timeout = 3s});
        in_user_emit = false;
        break;
      case 6: c->text("43/chat,0[1]"); break;
      case 7: c->text("2"); break;
      case 8:
        if (alive()) root->disconnect();
        if (alive()) chat->disconnect();
        break;
    }
    loop.run_posted();
  }

  void fail(Failure f) {
    WsConn* c = conn();
    switch (f) {
      case Failure::none: return;
      case Failure::drop: if (c) c->drop(); break;
      case Failure::clean_close: if (c) c->finish_close(); break;
      case Failure::garbage: if (c) c->text("4garbage"); break;
      case Failure::eio_close: if (c) c->text("1"); break;
      case Failure::clock: loop.advance(60s); break;  // open timeout, ping timeout, ack timeout
    }
    loop.run_posted();
  }

  /// Plays a well-behaved server on any new live connection until both sockets are connected.
  void recover() {
    if (alive()) chat->emit("after", 1, ack());  // buffered (or sent) across the recovery
    if (alive() && !root->active()) root->connect();  // after step 8 or a refusal: connect again
    if (alive() && !chat->active()) chat->connect();
    std::vector<WsConn*> served;
    for (int round = 0; round < 8 && alive(); ++round) {
      if (root->connected() && chat->connected()) break;
      loop.advance(5s);
      WsConn* c = conn();
      if (!c || !c->live || std::find(served.begin(), served.end(), c) != served.end()) continue;
      served.push_back(c);
      c->open();
      c->text(eio_open("e" + std::to_string(ws.conns.size())));
      loop.run_posted();
      for (const auto& p : sent(c)) {
        if (p.rfind("0/chat,", 0) == 0) c->text("4" + sio_connect("/chat", "c" + std::to_string(ws.conns.size())));
        else if (p.rfind("0", 0) == 0) c->text("4" + sio_connect("/", "r" + std::to_string(ws.conns.size())));
        loop.run_posted();
      }
    }
    // Answer every ack request the chat namespace made on the live connection.
    if (WsConn* c = conn(); c && c->live)
      for (const auto& p : sent(c)) {
        if (p.rfind("2/chat,", 0) != 0) continue;
        const std::size_t open = p.find('[');
        if (open == 7) continue;  // no ack id
        c->text("43/chat," + p.substr(7, open - 7) + "[\"ok\"]");
        loop.run_posted();
      }
    if (alive()) root->disconnect();
    if (alive()) chat->disconnect();
    loop.run_posted();
    if (WsConn* c = conn(); c && c->live) c->finish_close();
    loop.advance(10s);
  }

  void check_invariants() {
    EXPECT_EQ(nested_violations, 0);
    if (!destroyed) {
      for (const char* n : {"/", "/chat"}) EXPECT_EQ(connects[n], disconnects[n]) << n;
      for (std::size_t i = 0; i < ack_calls.size(); ++i) EXPECT_EQ(ack_calls[i], 1) << "ack #" << i;
    } else {
      for (std::size_t i = 0; i < ack_calls.size(); ++i) EXPECT_LE(ack_calls[i], 1) << "ack #" << i;
    }
    mgr.reset();
    loop.run_posted();
    EXPECT_EQ(loop.timer_count(), 0u);
    EXPECT_EQ(loop.posted_count(), 0u);
    for (const auto& c : ws.conns) EXPECT_EQ(c->live, nullptr);
  }
};

void play(Session& r, int fail_at, Failure f) {
  r.setup();
  for (int i = 0; i < kSteps; ++i) {
    if (i == fail_at) {
      r.fail(f);
      break;
    }
    r.step(i);
  }
  r.recover();
  r.check_invariants();
}

TEST(SioRobustness, fail_at_every_step_in_every_way) {
  int runs = 0;
  for (Failure f : {Failure::drop, Failure::clean_close, Failure::garbage, Failure::eio_close, Failure::clock}) {
    for (int at = 0; at <= kSteps; ++at) {
      SCOPED_TRACE(std::string("failure=") + name_of(f) + " at step " + std::to_string(at));
      eio::Socket::forget_prior_upgrade();
      Session r;
      play(r, at, f);
      ++runs;
      if (::testing::Test::HasFailure()) return;
    }
  }
  EXPECT_EQ(runs, 5 * (kSteps + 1));
}

TEST(SioRobustness, destroying_the_manager_from_inside_any_callback_is_safe) {
  const V points{"open", "close", "error", "ping", "reconnect_attempt", "reconnect", "reconnect_error",
                 "connect/", "connect/chat", "disconnect/", "disconnect/chat", "connect_error/", "connect_error/chat",
                 "any", "any_outgoing", "event", "ack"};
  std::map<std::string, int> reached;
  for (const auto& point : points) {
    for (Failure f : {Failure::none, Failure::drop, Failure::garbage, Failure::clock}) {
      for (int at = 0; at <= kSteps; ++at) {
        if (f == Failure::none && at != kSteps) continue;
        SCOPED_TRACE("destroy in " + point + ", failure=" + name_of(f) + " at step " + std::to_string(at));
        eio::Socket::forget_prior_upgrade();
        Session r;
        r.destroy_at = point;
        play(r, at, f);
        reached[point] += r.destroyed;
        if (::testing::Test::HasFailure()) return;
      }
    }
  }
  // Every hook was really exercised by some run.
  for (const auto& point : points) EXPECT_GT(reached[point], 0) << point;
}

TEST(SioRobustness, destroying_the_manager_in_on_any_outgoing_during_the_flush_after_connect) {
  Session r;
  r.setup();
  r.destroy_at = "any_outgoing";
  r.chat->emit("buffered", 1);  // fires on_any_outgoing from flush_buffer() inside handle_connect()
  r.step(0);
  r.step(1);
  r.step(2);
  r.step(3);  // CONNECT /chat -> flush -> listener destroys the Manager -> on_connect on a freed Socket
  r.loop.run_posted();
  EXPECT_TRUE(r.destroyed);
}

TEST(SioRobustness, destroying_the_manager_inside_its_timers_and_posted_work_is_safe) {
  // The Manager goes away at an arbitrary instant while timers (reconnect, open
  // timeout, ack timeouts, retire) and posted work (deferred disconnects) are pending.
  for (int ms : {0, 1, 999, 1000, 1001, 3000, 20000, 21000}) {
    SCOPED_TRACE("destroyed after " + std::to_string(ms) + " ms");
    Session r;
    r.setup();
    for (int i = 0; i < 6; ++i) r.step(i);
    r.fail(Failure::drop);
    r.loop.advance(Duration(ms));
    r.mgr.reset();
    r.loop.run_posted();
    EXPECT_EQ(r.loop.timer_count(), 0u);
    for (int c : r.ack_calls) EXPECT_LE(c, 1);
  }
}

}  // namespace
}  // namespace twinsock::sio
