// Deterministic simulation of the reconnecting WebSocket client (ws::Client):
// seeded schedules of server behaviour (opens, refusals, closes with every kind
// of code, messages, answered and dropped pongs), user calls (send, close,
// reconnect, connect, destroy inside a callback) and clock moves, with the
// invariants checked after every step; then the faults stop, the client must
// come back, flush its queue and close cleanly.
#include "sim_client.hpp"
#include "sim_runner.hpp"
#include "sim_transports.hpp"
#include "twinsock/ws/client.hpp"

namespace twinsock::sim {
namespace {

class WsSim {
 public:
  explicit WsSim(World& world) : w_(world), inv_(world.inv), client_(world), open_close_(world.inv, "open/close") {}

  Subject<ws::Client>& client() { return client_; }
  std::size_t transports_held() { return net_.held(); }

  // ---- setup

  void configure() {
    ws::ClientOptions& o = options_;
    o.reconnect.enabled = w_.chance(0.9);
    o.reconnect.min_delay = w_.millis(50, 2000);
    o.reconnect.max_delay = w_.millis(500, 10'000);
    o.reconnect.grow_factor = w_.chance(0.5) ? 1.3 : 2.0;
    o.reconnect.jitter = 0;  // the SDK draws jitter from a CSPRNG: off, so a seed replays exactly
    if (w_.chance(0.3)) o.reconnect.max_retries = static_cast<std::uint32_t>(w_.between(0, 4));
    o.reconnect.min_uptime = w_.millis(0, 5000);
    o.connection_timeout = w_.millis(300, 10'000);
    if (w_.chance(0.6)) {
      o.heartbeat_interval = w_.millis(300, 5000);
      o.heartbeat_timeout = w_.millis(100, 5000);
    }
    o.max_queued_messages = static_cast<std::size_t>(w_.between(0, 8));
    o.max_queued_bytes = static_cast<std::size_t>(w_.between(8, 400));
    o.queue_full_policy = w_.chance(0.5) ? ws::QueueFullPolicy::reject_new : ws::QueueFullPolicy::drop_oldest;
    o.start_closed = w_.chance(0.2);
    if (w_.chance(0.2)) o.url_provider = [this] { return "ws://example.com/feed?try=" + std::to_string(++urls_); };
    net_.ping_supported = w_.chance(0.9);
    net_.on_attempt = [this](WsLink& link) {
      inv_.check(net_.held() == 1, "a connection attempt while the client still holds a transport");
      if (options_.url_provider)
        inv_.check(link.params.url == "ws://example.com/feed?try=" + std::to_string(urls_),
                   "the attempt does not use the URL url_provider gave");
      w_.note("client: connection attempt #" + std::to_string(link.id));
    };
    o.transport_factory = net_.factory();
    w_.step(std::string("user: ws::Client") + (o.start_closed ? " (start_closed)" : "") + ", queue " +
            std::to_string(o.max_queued_messages) + " msgs/" + std::to_string(o.max_queued_bytes) + " B " +
            (o.queue_full_policy == ws::QueueFullPolicy::reject_new ? "reject_new" : "drop_oldest") +
            ", heartbeat " + std::to_string(o.heartbeat_interval.count()) + "/" +
            std::to_string(o.heartbeat_timeout.count()) + " ms, retries " +
            (o.reconnect.max_retries > 100 ? std::string("unlimited") : std::to_string(o.reconnect.max_retries)));
    client_.make(w_.loop, "ws://example.com/feed", options_);
    listen();
    w_.loop.run_posted();
  }

  // Each event gets a checking listener (which may destroy the client: a trap)
  // and a second one after it, which must not run once the first destroyed it.
  void listen() {
    ws::Client& c = *client_;
    subs_.push_back(c.on_open.on([this] {
      if (!w_.guard.enter("on_open")) return;
      w_.note("event: open");
      w_.count("opens");
      open_close_.up();
      inv_.check(client_->ready_state() == ws::ReadyState::open, "on_open while not open");
      inv_.check(client_->queued_messages() == 0, "the queue was not flushed before on_open");
      trap("open");
    }));
    subs_.push_back(c.on_message.on([this](const ws::Message& m) {
      if (!w_.guard.enter("on_message")) return;
      w_.note("event: message " + m.data);
      trap("message");
    }));
    subs_.push_back(c.on_close.on([this](const ws::CloseInfo& info) {
      if (!w_.guard.enter("on_close")) return;
      w_.note("event: close " + std::to_string(info.code) + (info.was_clean ? " clean" : ""));
      open_close_.down(false);  // a failed attempt reports a close without an open
      inv_.check(client_->ready_state() != ws::ReadyState::open, "on_close while open");
      trap("close");
    }));
    subs_.push_back(c.on_error.on([this](std::error_code ec, const std::string& detail) {
      if (!w_.guard.enter("on_error")) return;
      w_.note("event: error " + std::string(error_id(ec)) + " " + detail);
      inv_.check_error(ec, "on_error");
      trap("error");
    }));
    subs_.push_back(c.on_reconnecting.on([this](std::uint32_t attempt, Duration delay) {
      if (!w_.guard.enter("on_reconnecting")) return;
      w_.note("event: reconnecting #" + std::to_string(attempt) + " in " + std::to_string(delay.count()) + " ms");
      w_.count("reconnects");
      const auto& p = options_.reconnect;
      inv_.check(!user_closed_, "reconnecting after the user's close()");
      inv_.check(attempt >= 1 && attempt <= p.max_retries, "reconnection attempt beyond max_retries");
      inv_.check(delay >= std::min(p.min_delay, p.max_delay) && delay <= p.max_delay,
                 "reconnection delay outside [min_delay, max_delay]");
      trap("reconnecting");
    }));
    subs_.push_back(c.on_open.on([this] { w_.guard.enter("a second on_open listener"); }));
    subs_.push_back(c.on_close.on([this](const ws::CloseInfo&) { w_.guard.enter("a second on_close listener"); }));
    subs_.push_back(c.on_error.on([this](std::error_code, const std::string&) {
      w_.guard.enter("a second on_error listener");
    }));
    subs_.push_back(c.on_message.on([this](const ws::Message&) { w_.guard.enter("a second on_message listener"); }));
  }

  void trap(const std::string& event) { client_.trap("on_" + event); }

  // ---- the schedule

  void chaos_step() {
    read_frames();
    chaos_turn(w_, [this](Menu& menu) {
      offer_server(menu, true);
      offer_user(menu);
    }, [] {});
  }

  WsLink* current() { return net_.first_live(); }

  void offer_server(Menu& menu, bool faults) {
    WsLink* link = current();
    if (!link) return;
    if (link->close_requested) {
      menu.add(2, [this, link] {
        w_.step(name_of(*link) + "sends a message before its close frame");
        link->text("s" + std::to_string(++server_messages_));
      });
      menu.add(8, [this, link] {
        w_.step(name_of(*link) + "completes the close handshake");
        link->end({.code = 1000, .was_clean = true});
      });
      if (faults)
        menu.add(2, [this, link] {
          w_.step(name_of(*link) + "drops while closing");
          link->end({.code = 1006, .error = errc::connection_reset, .detail = "reset"});
        });
      return;
    }
    if (!link->opened) {
      menu.add(8, [this, link] {
        w_.step(name_of(*link) + "accepts");
        link->open(w_.chance(0.3) ? "chat" : "");
      });
      if (faults) {
        menu.add(2, [this, link] {
          w_.step(name_of(*link) + "refuses the connection");
          link->end({.code = 1006, .error = errc::connect_refused, .detail = "refused"});
        });
        menu.add(1, [this, link] {
          w_.step(name_of(*link) + "answers the upgrade with HTTP 503");
          link->end({.code = 1006, .error = errc::http_status, .detail = "HTTP 503"});
        });
      }
      return;
    }
    menu.add(4, [this, link] {
      w_.step(name_of(*link) + "sends a message");
      link->text("s" + std::to_string(++server_messages_));
    });
    if (link->pings > pongs_[link->id]) {
      menu.add(6, [this, link] {
        w_.step(name_of(*link) + "answers a ping");
        ++pongs_[link->id];
        link->pong();
      });
      if (faults)
        menu.add(1, [this, link] {
          w_.step(name_of(*link) + "loses a ping (no pong)");
          ++pongs_[link->id];
          w_.count("pongs dropped");
        });
    }
    if (!faults) return;
    menu.add(1, [this, link] {
      w_.step(name_of(*link) + "sends an unsolicited pong");
      link->pong();
    });
    static constexpr std::uint16_t kCodes[] = {1000, 1001, 1008, 1011, 1012, 4000, 4999};
    menu.add(2, [this, link] {
      const std::uint16_t code = kCodes[w_.below(std::size(kCodes))];
      w_.step(name_of(*link) + "closes with " + std::to_string(code));
      link->end({.code = code, .was_clean = true});
    });
    menu.add(2, [this, link] {
      w_.step(name_of(*link) + "drops the connection");
      link->end({.code = 1006, .error = errc::connection_reset, .detail = "reset"});
    });
  }

  static std::string name_of(const WsLink& link) { return "server: #" + std::to_string(link.id) + " "; }

  void offer_user(Menu& menu) {
    menu.add(6, [this] { send(w_.chance(0.2)); });
    menu.add(1, [this] {
      const std::uint16_t code = w_.chance(0.7) ? 1000 : 4001;
      w_.step("user: close(" + std::to_string(code) + ")");
      user_closed_ = true;
      client_->close(code, "bye");
    });
    menu.add(1, [this] {
      w_.step("user: reconnect()");
      user_closed_ = false;
      client_->reconnect();
    });
    menu.add(1, [this] {
      w_.step("user: connect()");
      user_closed_ = false;
      client_->connect();
    });
    static constexpr const char* kEvents[] = {"on_open", "on_message", "on_close", "on_error", "on_reconnecting"};
    client_.offer(menu, kEvents);
  }

  void send(bool binary) {
    // Sizes around the byte bound, now and then one larger than the whole queue.
    const std::size_t size = w_.chance(0.05) ? options_.max_queued_bytes + 1 : static_cast<std::size_t>(w_.between(4, 60));
    std::string data = "m" + std::to_string(next_seq_) + ":";
    data.resize(std::max(size, data.size()), 'x');
    w_.step(std::string("user: send") + (binary ? "_binary " : " ") + std::to_string(data.size()) + " B (m" +
            std::to_string(next_seq_) + ")");
    const std::error_code ec = binary ? client_->send_binary(as_bytes(data)) : client_->send(data);
    w_.note("-> " + std::string(ec ? error_id(ec) : "ok"));
    if (!ec) {
      ++accepted_;
      ++next_seq_;
    }
  }

  // The server reads what the client wrote: messages arrive in the order sent.
  void read_frames() {
    for (std::size_t i = read_from_; i < net_.links.size(); ++i) {
      auto& link = net_.links[i];
      if (i == read_from_ && !link->held) ++read_from_;  // dropped: nothing more to read after this
      for (; link->read < link->sent.size(); ++link->read) {
        std::string frame = link->sent[link->read];
        if (frame.rfind("bin:", 0) == 0) frame.erase(0, 4);
        const std::uint64_t seq = std::strtoull(frame.c_str() + 1, nullptr, 10);
        inv_.check_that(frame[0] == 'm' && (received_ == 0 || seq > last_seq_),
                        [&] { return "message " + frame.substr(0, 12) + " arrived out of order"; });
        last_seq_ = seq;
        ++received_;
      }
    }
  }

  // ---- invariants after every step

  void check_step() {
    if (client_.gone([this] { return net_.held(); })) return;
    read_frames();
    ws::Client& c = *client_;
    inv_.check(net_.held() <= 1, "the client holds more than one transport");
    inv_.check(c.queued_messages() <= options_.max_queued_messages, "queue above max_queued_messages");
    inv_.check(c.buffered_amount() <= options_.max_queued_bytes, "queue above max_queued_bytes");
    const std::uint64_t accounted = received_ + c.queued_messages();
    if (options_.queue_full_policy == ws::QueueFullPolicy::reject_new)
      inv_.check(accepted_ == accounted, "a message send() accepted was neither sent nor queued");
    else
      inv_.check(accepted_ >= accounted, "more messages sent than send() accepted");
    const ws::ReadyState s = c.ready_state();
    if (open_close_.is_up())
      inv_.check(s == ws::ReadyState::open || s == ws::ReadyState::closing, "opened and not closed, yet not open");
    else
      inv_.check(s == ws::ReadyState::connecting || s == ws::ReadyState::closed, "open without an on_open");
    if (s == ws::ReadyState::open) inv_.check(c.queued_messages() == 0, "open with messages still queued");
    if (user_closed_ && s == ws::ReadyState::closed)
      inv_.check(w_.loop.timer_count() == 0 && net_.held() == 0, "closed by the user, yet a timer or transport is left");
  }

  // ---- the end: faults stop, the client must come back, then close cleanly

  void drain_and_close() {
    w_.step("-- faults stop; the server behaves from now on");
    bool came_back = false;
    for (int i = 0; i < 1200 && !inv_.failed() && !destroyed(); ++i) {
      if (client_->ready_state() == ws::ReadyState::closed) {
        user_closed_ = false;
        client_->connect();
        w_.loop.run_posted();
      }
      if (client_->ready_state() == ws::ReadyState::open) {
        came_back = true;
        break;
      }
      serve_politely(Duration(100));
      check_step();
    }
    if (destroyed() || inv_.failed()) return;
    inv_.check(came_back, "the client did not come back within 120 s once the faults stopped");
    w_.step("user: close(1000)");
    user_closed_ = true;
    client_->close(1000, "done");
    for (int i = 0; i < 100 && !destroyed() && client_->ready_state() != ws::ReadyState::closed; ++i)
      serve_politely(Duration(100));
    if (destroyed() || inv_.failed()) return;
    check_step();
    w_.loop.run_posted();
    inv_.check(client_->ready_state() == ws::ReadyState::closed, "close() never completed");
    inv_.check(!open_close_.is_up(), "an open without its close");
    inv_.check(w_.loop.timer_count() == 0, "timers left after close()");
    inv_.check(net_.held() == 0, "a transport left after close()");
    if (options_.queue_full_policy == ws::QueueFullPolicy::reject_new)
      inv_.check(received_ == accepted_, "accepted messages never reached the server");
  }

  void serve_politely(Duration wait) {
    read_frames();
    Menu menu;
    offer_server(menu, false);
    if (!menu.run(w_)) w_.wait(wait);
    w_.loop.run_posted();
  }

  bool destroyed() const { return client_.destroyed(); }

 private:
  World& w_;
  Invariants& inv_;
  WsNet net_;
  ws::ClientOptions options_;
  Subject<ws::Client> client_;
  std::vector<Subscription> subs_;
  Alternation open_close_;
  std::map<int, int> pongs_;
  std::size_t read_from_ = 0;
  bool user_closed_ = false;
  int urls_ = 0;
  int server_messages_ = 0;
  std::uint64_t next_seq_ = 0, accepted_ = 0, received_ = 0, last_seq_ = 0;
};

TEST(Sim, WebSocketClient) {
  run_schedules("ws", 1500, [](World& world) {
    WsSim sim(world);
    play(world, sim, 10, 90);
  });
}

}  // namespace
}  // namespace twinsock::sim
