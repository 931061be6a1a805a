// Deterministic simulation of the Socket.IO Manager and its namespace Sockets
// over Engine.IO (polling, WebSocket, the upgrade between them) against the
// scripted server of sio_server.hpp: seeded schedules of server moves and
// faults, user calls (emits with and without acks, timeouts and retries,
// volatile and binary emits, connect/disconnect, Manager close/open, a new
// namespace, destroying the Manager inside any callback) and clock moves and
// jumps, with the invariants checked after every step. Then the faults stop:
// every socket must come back, every ack must settle exactly once once the
// sockets disconnect, and nothing (timer, transport) may be left.
#include "sim_client.hpp"
#include "sim_runner.hpp"
#include "sim_transports.hpp"
#include "sio_server.hpp"
#include "twinsock/sio/manager.hpp"
#include "twinsock/sio/socket.hpp"

namespace twinsock::sim {
namespace {

using sio::Args;

class SioSim {
 public:
  explicit SioSim(World& world)
      : w_(world), inv_(world.inv), mgr_(world), acks_(world.inv, world.guard), open_close_(world.inv, "Manager open/close") {}

  Subject<sio::Manager>& client() { return mgr_; }
  std::size_t transports_held() { return ws_.held() + http_.held(); }

  struct Nsp {
    Nsp(Invariants& inv, std::string n, const sio::SocketOptions& o)
        : name(std::move(n)), up_down(inv, name + " connect/disconnect"), max_buffered(o.max_buffered_packets),
          retries(o.retries > 0) {}
    std::string name;
    sio::Socket* socket = nullptr;
    Alternation up_down;
    std::size_t max_buffered;
    bool retries;  // emits go through the at-least-once queue (bounded too)
    std::vector<std::size_t> sent_acks;  // acks of emits that went out: settled by the next disconnect
    std::uint64_t outgoing = 0;           // on_any_outgoing calls
    std::size_t flushed = 0;  // emits that went out while it was (re)connecting: the send buffer
  };

  // ---- setup

  void configure() {
    eio::Socket::forget_prior_upgrade();  // process-wide (remember_upgrade): every schedule starts clean
    ServerSettings server;
    server.ping_interval_ms = w_.between(500, 5000);
    server.ping_timeout_ms = w_.between(200, 3000);
    server.max_payload = w_.chance(0.3) ? static_cast<std::size_t>(w_.between(40, 200)) : 100000;
    server.offer_upgrade = w_.chance(0.7);
    server_ = std::make_unique<SioServer>(w_, ws_, http_, server);

    sio::ManagerOptions o;
    static const std::vector<std::vector<std::string>> kTransports = {
        {"polling", "websocket"}, {"polling", "websocket"}, {"websocket"}, {"polling"}, {"websocket", "polling"}};
    o.engine.transports = kTransports[w_.below(kTransports.size())];
    o.engine.upgrade = w_.chance(0.85);
    o.engine.remember_upgrade = w_.chance(0.2);
    o.engine.try_all_transports = w_.chance(0.3);
    o.engine.request_timeout = w_.millis(1000, 10'000);
    o.engine.ws_factory = ws_.factory();
    o.engine.http_factory = http_.factory();
    o.reconnection = w_.chance(0.95);
    if (w_.chance(0.25)) o.reconnection_attempts = static_cast<std::uint32_t>(w_.between(0, 3));
    o.reconnection_delay = w_.millis(100, 2000);
    o.reconnection_delay_max = w_.millis(1000, 5000);
    o.randomization_factor = 0;  // the SDK draws jitter from a CSPRNG: off, so a seed replays exactly
    o.timeout = w_.millis(1000, 10'000);
    o.auto_connect = w_.chance(0.9);
    o.socket = socket_options();
    options_ = o;
    std::string transports;
    for (const auto& t : o.engine.transports) transports += (transports.empty() ? "" : ",") + t;
    w_.step("user: Manager over " + transports + (o.engine.upgrade ? "" : " (no upgrade)") +
            (o.engine.remember_upgrade ? " remember_upgrade" : "") + (o.engine.try_all_transports ? " try_all" : "") +
            ", attempts " + (o.reconnection ? (o.reconnection_attempts > 100 ? "unlimited" : std::to_string(o.reconnection_attempts)) : "off") +
            ", timeout " + std::to_string(o.timeout.count()) + " ms; server ping " +
            std::to_string(server.ping_interval_ms) + "/" + std::to_string(server.ping_timeout_ms) + " ms, maxPayload " +
            std::to_string(server.max_payload) + (server.offer_upgrade ? ", offers websocket" : ""));
    mgr_.make(w_.loop, "http://example.com:3000", o);
    listen_manager();
    add_socket("/", nullptr);
    sio::SocketOptions chat = socket_options();
    add_socket("/chat", &chat);
    w_.loop.run_posted();
  }

  sio::SocketOptions socket_options() {
    sio::SocketOptions s;
    if (w_.chance(0.3)) s.ack_timeout = w_.millis(200, 5000);
    if (w_.chance(0.25)) {
      s.retries = static_cast<std::uint32_t>(w_.between(1, 2));
      if (s.ack_timeout.count() == 0) s.ack_timeout = w_.millis(200, 5000);
    }
    s.max_buffered_packets = static_cast<std::size_t>(w_.between(1, 10));
    s.max_buffered_bytes = static_cast<std::size_t>(w_.between(100, 2000));
    return s;
  }

  void add_socket(const std::string& name, const sio::SocketOptions* options) {
    const sio::SocketOptions& o = options ? *options : options_.socket;
    nsps_.push_back(std::make_unique<Nsp>(inv_, name, o));
    Nsp* n = nsps_.back().get();
    w_.step("user: socket " + name + (o.retries ? ", retries " + std::to_string(o.retries) : "") +
            (o.ack_timeout.count() ? ", ack_timeout " + std::to_string(o.ack_timeout.count()) + " ms" : "") +
            ", buffer " + std::to_string(o.max_buffered_packets));
    // socket() may connect it, but every event comes on a later turn: listeners added next miss nothing.
    n->socket = options ? &mgr_->socket(name, *options) : &mgr_->socket(name);
    listen_socket(*n);
  }

  // Every event gets a checking listener (which may be a destroy trap) and a
  // second one after it, which must not run once the first destroyed the Manager.
  void listen_manager() {
    sio::Manager& m = *mgr_;
    subs_.push_back(m.on_open.on([this] {
      if (!enter("Manager on_open")) return;
      open_close_.up();
      inv_.check(mgr_->state() == sio::ManagerState::open, "on_open while not open");
      trap("open");
    }));
    subs_.push_back(m.on_close.on([this](const std::string& reason) {
      if (!enter("Manager on_close " + reason)) return;
      open_close_.down(/*strict=*/reason != "forced close");  // close() may only stop an attempt
      trap("close");
    }));
    subs_.push_back(m.on_error.on([this](std::error_code ec, const std::string& detail) {
      if (!enter("Manager on_error " + std::string(error_id(ec)) + " " + detail)) return;
      inv_.check_error(ec, "Manager on_error");
      trap("error");
    }));
    subs_.push_back(m.on_ping.on([this] {
      if (!enter("Manager on_ping")) return;
      w_.count("pings");
      trap("ping");
    }));
    subs_.push_back(m.on_reconnect_attempt.on([this](std::uint32_t n) {
      if (!enter("Manager on_reconnect_attempt " + std::to_string(n))) return;
      inv_.check(n >= 1 && n <= options_.reconnection_attempts, "reconnect_attempt beyond reconnection_attempts");
      w_.count("reconnect attempts");
      trap("reconnect_attempt");
    }));
    subs_.push_back(m.on_reconnect.on([this](std::uint32_t n) {
      if (!enter("Manager on_reconnect " + std::to_string(n))) return;
      w_.count("reconnects");
      trap("reconnect");
    }));
    subs_.push_back(m.on_reconnect_error.on([this](std::error_code ec, const std::string&) {
      if (!enter("Manager on_reconnect_error " + std::string(error_id(ec)))) return;
      inv_.check_error(ec, "Manager on_reconnect_error");
      trap("reconnect_error");
    }));
    subs_.push_back(m.on_reconnect_failed.on([this] {
      if (!enter("Manager on_reconnect_failed")) return;
      w_.count("reconnect failed");
      trap("reconnect_failed");
    }));
    subs_.push_back(m.on_open.on([this] { w_.guard.enter("a second Manager on_open listener"); }));
    subs_.push_back(m.on_close.on([this](const std::string&) { w_.guard.enter("a second Manager on_close listener"); }));
    subs_.push_back(m.on_error.on([this](std::error_code, const std::string&) {
      w_.guard.enter("a second Manager on_error listener");
    }));
  }

  void listen_socket(Nsp& n) {
    sio::Socket& s = *n.socket;
    Nsp* p = &n;
    subs_.push_back(s.on_connect.on([this, p] {
      if (!enter(p->name + " on_connect")) return;
      p->up_down.up();
      w_.count("socket connects");
      inv_.check(p->socket->connected(), "on_connect while not connected");
      inv_.check_that(p->flushed <= p->max_buffered, [&] {
        return p->name + " flushed " + std::to_string(p->flushed) + " buffered emits, more than max_buffered_packets " +
               std::to_string(p->max_buffered);
      });
      p->flushed = 0;
      trap("connect " + p->name);
    }));
    subs_.push_back(s.on_disconnect.on([this, p](const std::string& reason) {
      if (!enter(p->name + " on_disconnect " + reason)) return;
      p->up_down.down();
      inv_.check(!p->socket->connected(), "on_disconnect while connected");
      trap("disconnect " + p->name);
    }));
    subs_.push_back(s.on_connect_error.on([this, p](const sio::ConnectError& e) {
      if (!enter(p->name + " on_connect_error " + e.message)) return;
      inv_.check(!p->up_down.is_up(), "connect_error while connected");
      inv_.check_error(e.code, "connect_error");
      w_.count("connect errors");
      trap("connect_error " + p->name);
    }));
    subs_.push_back(s.on("news", [this, p](const Args&, const sio::Reply& reply) {
      if (!enter(p->name + " news")) return;
      inv_.check(!reply.requested(), "a Reply for an event sent without an ack id");
      trap("event");
    }));
    subs_.push_back(s.on("ask", [this, p](const Args&, const sio::Reply& reply) {
      if (!enter(p->name + " ask")) return;
      reply(Args{"thanks"});
      if (w_.chance(0.2)) reply(Args{"again"});  // a Reply answers once; the second is a no-op
      trap("event");
    }));
    subs_.push_back(s.on_any_outgoing([this, p](const std::string&, const Args&) {
      if (!w_.guard.enter(p->name + " on_any_outgoing")) return;
      ++p->outgoing;
      if (!p->up_down.is_up()) ++p->flushed;
      trap("any_outgoing");
    }));
    subs_.push_back(s.on_connect.on([this] { w_.guard.enter("a second on_connect listener"); }));
    subs_.push_back(s.on_disconnect.on([this](const std::string&) { w_.guard.enter("a second on_disconnect listener"); }));
  }

  bool enter(const std::string& what) {
    if (!w_.guard.enter(what)) return false;
    w_.note("event: " + what);
    return true;
  }

  void trap(const std::string& event) { mgr_.trap(event); }

  // ---- the schedule

  void chaos_step() {
    server_->read();
    chaos_turn(w_, [this](Menu& menu) {
      server_->offer(menu);
      offer_user(menu);
    }, [this] { server_->tick(); });
  }

  void offer_user(Menu& menu) {
    for (auto& np : nsps_) {
      Nsp* n = np.get();
      menu.add(2, [this, n] { emit(*n, Emit::plain); });
      menu.add(2, [this, n] { emit(*n, Emit::ack); });
      menu.add(2, [this, n] { emit(*n, Emit::ack_timeout); });
      menu.add(1, [this, n] { emit(*n, Emit::with_ack); });
      menu.add(1, [this, n] { emit(*n, Emit::volatile_); });
      menu.add(1, [this, n] { emit(*n, Emit::binary); });
      menu.add(1, [this, n] {
        w_.step("user: " + n->name + " connect()");
        n->socket->connect();
      });
      menu.add(1, [this, n] {
        w_.step("user: " + n->name + " disconnect()");
        n->socket->disconnect();
      });
    }
    menu.add(1, [this] {
      w_.step("user: Manager close()");
      mgr_->close();
    });
    menu.add(1, [this] {
      w_.step("user: Manager open()");
      mgr_->open();
    });
    if (nsps_.size() < 3)
      menu.add(1, [this] { add_socket("/admin", nullptr); });
    static constexpr const char* kEvents[] = {
        "open", "close", "error", "ping", "reconnect_attempt", "reconnect", "reconnect_error", "reconnect_failed",
        "connect /", "connect /chat", "disconnect /", "disconnect /chat", "connect_error /", "connect_error /chat",
        "event", "any_outgoing", "ack"};
    mgr_.offer(menu, kEvents);
  }

  enum class Emit { plain, ack, ack_timeout, with_ack, volatile_, binary };

  void emit(Nsp& n, Emit kind) {
    static constexpr const char* kNames[] = {"emit", "emit+ack", "emit+ack+timeout", "emit_with_ack", "volatile emit",
                                             "binary emit+ack"};
    const int seq = ++emits_;
    Args args = kind == Emit::binary ? Args::array({seq, Args::binary({1, 2, 3, static_cast<std::uint8_t>(seq)})})
                                     : Args::array({seq, std::string(static_cast<std::size_t>(w_.between(0, 40)), 'x')});
    const bool with_ack = kind != Emit::plain && !(kind == Emit::volatile_ && w_.chance(0.5));
    sio::EmitOptions options;
    if (kind == Emit::ack_timeout) options.timeout = w_.millis(100, 5000);
    if (kind == Emit::volatile_) options.is_volatile = true;
    std::string label = n.name + " #" + std::to_string(seq) + " " + kNames[static_cast<int>(kind)];
    if (options.timeout) label += " " + std::to_string(options.timeout->count()) + " ms";
    w_.step("user: " + label);
    const bool was_connected = n.socket->connected();
    const std::uint64_t outgoing = n.outgoing;
    std::error_code ec;
    std::size_t ack = 0;
    if (with_ack) {
      ack = acks_.add(label);
      sio::AckCallback callback = [this, ack](std::error_code error, const Args&) {
        w_.note("event: ack " + std::to_string(ack) + " " + std::string(error ? error_id(error) : "answered"));
        acks_.settle(ack);
        if (error) inv_.check_error(error, "ack");
        if (!error) w_.count("acks answered");
        trap("ack");
      };
      ec = kind == Emit::with_ack ? n.socket->emit_with_ack("e", args, std::move(callback), options)
                                  : n.socket->emit("e", args, std::move(callback), options);
    } else {
      ec = n.socket->emit("e", args, options);
    }
    w_.note("-> " + std::string(ec ? error_id(ec) : "ok"));
    if (ec == errc::queue_full && !n.retries) inv_.check(!was_connected, "queue_full from a connected socket");
    if (with_ack && (ec == errc::queue_full || ec == errc::invalid_argument)) acks_.refused(ack);
    else if (with_ack && !destroyed() && n.outgoing > outgoing && !n.retries) n.sent_acks.push_back(ack);
  }

  // ---- invariants after every step

  void check_step() {
    if (mgr_.gone([this] { return transports_held(); })) return;
    server_->read();
    server_->check();
    sio::Manager& m = *mgr_;
    inv_.check((m.state() == sio::ManagerState::open) == open_close_.is_up(),
               "the Manager's state disagrees with its open/close events");
    for (auto& n : nsps_) {
      const sio::Socket& s = *n->socket;
      inv_.check_that(s.connected() == n->up_down.is_up(),
                      [&] { return n->name + ": connected() disagrees with its connect/disconnect events"; });
      inv_.check_that(s.connected() == !s.id().empty(), [&] { return n->name + ": id() set while disconnected or empty while connected"; });
      if (s.connected()) inv_.check(m.state() == sio::ManagerState::open, "a socket connected over a Manager not open");
      if (s.connected()) continue;
      // Disconnected: what was emitted while connected has its answer, a timeout or not_connected by now.
      for (std::size_t ack : n->sent_acks)
        inv_.check_that(acks_.settled(ack), [&] { return "ack " + acks_.label(ack) + " still pending after its socket disconnected"; });
      n->sent_acks.clear();
    }
    // Every WebSocket still open belongs to the current Engine.IO session (or one closing after close()).
    eio::Socket* engine = m.engine();
    if (!m.draining())
      ws_.each_held([&](WsLink& link) {
        if (!link.active() || (engine && engine->ready_state() == eio::ReadyState::opening)) return;
        const std::string sid = server_->sid_of(link);
        inv_.check_that(engine && engine->id() == sid, [&] {
          return "WebSocket #" + std::to_string(link.id) + " (session " + sid + ") is open but not the current session's";
        });
      });
    if (m.state() == sio::ManagerState::closed && !m.draining() && !engine) {
      inv_.check(ws_.active() == 0, "a WebSocket open while the Manager is closed");
      inv_.check(http_.live() == 0, "an HTTP request in flight while the Manager is closed");
    }
  }

  // ---- the end: the faults stop, the sockets come back, acks settle, all closes

  void drain_and_close() {
    w_.step("-- faults stop; the server behaves from now on");
    server_->set_faults(false);
    const Duration settle(6000);  // longer than any ack timeout: what can be answered is
    std::optional<TimePoint> all_up_since;
    bool settled = false;
    for (int i = 0; i < 6000 && !inv_.failed() && !destroyed(); ++i) {
      bool all_up = true;
      for (auto& n : nsps_) {
        if (n->socket->connected()) continue;
        all_up = false;
        if (!n->socket->active() || mgr_->state() == sio::ManagerState::closed) {
          if (!n->socket->active()) w_.step("user: " + n->name + " connect() (drain)");
          n->socket->connect();
          w_.loop.run_posted();
          if (destroyed()) return;
        }
      }
      if (!all_up) all_up_since.reset();
      else if (!all_up_since) all_up_since = w_.loop.now();
      else if (w_.loop.now() - *all_up_since >= settle) {
        settled = true;
        break;
      }
      serve_politely();
    }
    if (destroyed() || inv_.failed()) return;
    inv_.check(settled, "the sockets did not all come back within the drain once the faults stopped");
    for (auto& n : nsps_) {
      w_.step("user: " + n->name + " disconnect()");
      n->socket->disconnect();
    }
    w_.loop.run_posted();
    for (int i = 0; i < 400 && !destroyed(); ++i) {
      if (!mgr_->draining() && ws_.held() == 0 && http_.held() == 0 && w_.loop.timer_count() == 0) break;
      serve_politely();
    }
    if (destroyed() || inv_.failed()) return;
    check_step();
    acks_.check_all_settled();
    for (auto& n : nsps_) inv_.check_that(!n->up_down.is_up(), [&] { return n->name + " connected after disconnect()"; });
    inv_.check(mgr_->state() == sio::ManagerState::closed && !open_close_.is_up(), "the Manager is not closed");
    inv_.check(!mgr_->draining(), "the Manager still drains a closed session");
    inv_.check(w_.loop.timer_count() == 0, "timers left once every socket disconnected");
    inv_.check(ws_.held() == 0 && http_.held() == 0, "a transport left once every socket disconnected");
  }

  void serve_politely() {
    server_->read();
    Menu menu;
    server_->offer(menu);
    if (!menu.run(w_)) {
      w_.wait(server_->next_ping_in(Duration(250)));
      server_->tick();
    }
    w_.loop.run_posted();
    check_step();
  }

  bool destroyed() const { return mgr_.destroyed(); }

 private:
  World& w_;
  Invariants& inv_;
  WsNet ws_;
  HttpNet http_;
  std::unique_ptr<SioServer> server_;
  sio::ManagerOptions options_;
  Subject<sio::Manager> mgr_;
  std::vector<std::unique_ptr<Nsp>> nsps_;
  std::vector<Subscription> subs_;
  AckLedger acks_;
  Alternation open_close_;
  int emits_ = 0;
};

TEST(Sim, SocketIoManager) {
  run_schedules("sio", 700, [](World& world) {
    SioSim sim(world);
    play(world, sim, 20, 140);
  });
}

}  // namespace
}  // namespace twinsock::sim
