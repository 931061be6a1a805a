// Deterministic simulation of the SSE client (sse::Client): seeded schedules of
// server answers (200 streams cut into random chunks, every line ending, UTF-8
// split across chunks, `retry:`, comments, events over the limits, 204, 4xx,
// 5xx, 429, a wrong Content-Type, redirects, resets before and after the head,
// silence for the idle timeout), user calls (close, connect, destroy inside a
// callback) and clock moves, with the invariants checked after every step; then
// the faults stop and the client must come back, resume from its last event ID
// and close cleanly.
#include "sim_client.hpp"
#include "sim_runner.hpp"
#include "sim_transports.hpp"
#include "twinsock/sse/client.hpp"

namespace twinsock::sim {
namespace {

struct SentEvent {
  std::string type;
  std::string data;
  std::string last_id;  // the last event ID it must carry
};

class SseSim {
 public:
  explicit SseSim(World& world) : w_(world), inv_(world.inv), client_(world) {}

  Subject<sse::Client>& client() { return client_; }
  std::size_t transports_held() { return net_.held(); }

  // ---- setup

  void configure() {
    sse::ClientOptions& o = options_;
    if (w_.chance(0.2)) {
      o.method = "POST";
      o.body = "{\"subscribe\":true}";
    }
    if (w_.chance(0.2)) o.last_event_id = model_id_ = "saved";
    o.reconnect.enabled = w_.chance(0.95);
    o.reconnect.min_delay = w_.millis(100, 3000);
    o.reconnect.max_delay = w_.millis(1000, 30'000);
    o.reconnect.grow_factor = w_.chance(0.5) ? 2.0 : 1.5;
    o.reconnect.jitter = 0;  // the SDK draws jitter from a CSPRNG: off, so a seed replays exactly
    if (w_.chance(0.3)) o.reconnect.max_retries = static_cast<std::uint32_t>(w_.between(0, 4));
    o.connection_timeout = w_.millis(500, 10'000);
    if (w_.chance(0.5)) o.idle_timeout = w_.millis(500, 10'000);
    o.max_redirects = w_.between(0, 3);
    o.max_line_length = static_cast<std::size_t>(w_.between(32, 512));
    o.max_event_size = static_cast<std::size_t>(w_.between(64, 1024));
    o.start_closed = w_.chance(0.2);
    model_retry_ = o.reconnect.min_delay;
    net_.on_request = [this](HttpLink& link) { on_request(link); };
    o.transport_factory = net_.factory();
    w_.step(std::string("user: sse::Client ") + o.method + (o.start_closed ? " (start_closed)" : "") +
            ", limits " + std::to_string(o.max_line_length) + "/" + std::to_string(o.max_event_size) +
            " B, idle " + std::to_string(o.idle_timeout.count()) + " ms, redirects " + std::to_string(o.max_redirects) +
            ", retries " + (o.reconnect.max_retries > 100 ? std::string("unlimited") : std::to_string(o.reconnect.max_retries)));
    client_.make(w_.loop, "http://example.com/events", options_);
    closed_for_good_ = o.start_closed;
    listen();
    w_.loop.run_posted();
  }

  // The client made a request (inside the client's call: only reads here).
  void on_request(HttpLink& link) {
    w_.note("client: request #" + std::to_string(link.id) + " " + link.request.method + " " + link.request.url);
    inv_.check(net_.held() == 1, "a request while the client still holds another");
    const std::string* sent_id = find_header(link.request.headers, "last-event-id");
    const std::string& id = client_->last_event_id();
    inv_.check_that(id.empty() ? sent_id == nullptr : sent_id && *sent_id == id, [&] {
      return "Last-Event-ID " + (sent_id ? *sent_id : "<none>") + " while the client's last event ID is " + id;
    });
    inv_.check(id == model_id_, "the client's last event ID is not the last one the server sent");
    if (following_redirect_) {
      ++redirect_chain_;
      inv_.check(redirect_chain_ <= options_.max_redirects, "followed more redirects than max_redirects");
      inv_.check(link.request.url.rfind("http://example.com/moved/", 0) == 0, "a redirect not followed to its Location");
    } else {
      redirect_chain_ = 0;
    }
  }

  void listen() {
    sse::Client& c = *client_;
    subs_.push_back(c.on_open.on([this] {
      if (!enter("on_open")) return;
      inv_.check(client_->ready_state() == sse::ReadyState::open, "on_open while not open");
      w_.count("opens");
      trap("open");
    }));
    subs_.push_back(c.on_message.on([this](const sse::MessageEvent& m) {
      if (!enter("on_message " + m.type + " " + m.data.substr(0, 24) + " id=" + m.last_event_id)) return;
      w_.count("messages");
      inv_.check(m.data.size() <= options_.max_event_size, "an event larger than max_event_size was delivered");
      if (inv_.check(!expected_.empty(), "an event the server never sent")) {
        const SentEvent& e = expected_.front();
        inv_.check(m.type == e.type && m.data == e.data, "an event arrived different from what the server sent");
        inv_.check(m.last_event_id == e.last_id && client_->last_event_id() == e.last_id,
                   "the event's last event ID is not the last id the server sent");
        expected_.erase(expected_.begin());
      }
      trap("message");
    }));
    subs_.push_back(c.on_error.on([this](std::error_code ec, const std::string& detail, int status) {
      if (!enter("on_error " + std::string(error_id(ec)) + " " + detail)) return;
      inv_.check_error(ec, "on_error");
      if (ec == errc::http_status) inv_.check(status >= 300, "an HTTP status error without its status");
      trap("error");
    }));
    subs_.push_back(c.on_reconnecting.on([this](std::uint32_t attempt, Duration delay) {
      if (!enter("on_reconnecting #" + std::to_string(attempt) + " in " + std::to_string(delay.count()) + " ms")) return;
      w_.count("reconnects");
      const auto& p = options_.reconnect;
      inv_.check(attempt >= 1 && attempt <= p.max_retries, "reconnection attempt beyond max_retries");
      // Never sooner than the reconnection time (WHATWG), even past max_delay.
      const Duration time = client_->reconnection_time();
      inv_.check(delay >= time && delay <= std::max(time, p.max_delay),
                 "reconnection delay outside [reconnection time, max(reconnection time, max_delay)]");
      trap("reconnecting");
    }));
    subs_.push_back(c.on_close.on([this] {
      if (!enter("on_close")) return;
      inv_.check(!closed_for_good_, "on_close twice without a connect() between");
      inv_.check(client_->ready_state() == sse::ReadyState::closed, "on_close while not closed");
      closed_for_good_ = true;
      w_.count("closes");
      trap("close");
    }));
    subs_.push_back(c.on_open.on([this] { w_.guard.enter("a second on_open listener"); }));
    subs_.push_back(c.on_message.on([this](const sse::MessageEvent&) { w_.guard.enter("a second on_message listener"); }));
    subs_.push_back(c.on_error.on([this](std::error_code, const std::string&, int) {
      w_.guard.enter("a second on_error listener");
    }));
    subs_.push_back(c.on_close.on([this] { w_.guard.enter("a second on_close listener"); }));
  }

  bool enter(const std::string& what) {
    if (!w_.guard.enter(what)) return false;
    w_.note("event: " + what);
    // Once closed for good, nothing but a connect() brings events (the close itself was the last).
    inv_.check_that(!closed_for_good_, [&] { return what + " after on_close"; });
    return true;
  }

  void trap(const std::string& event) { client_.trap("on_" + event); }

  // ---- the schedule

  void chaos_step() {
    chaos_turn(w_, [this](Menu& menu) {
      offer_server(menu, true);
      offer_user(menu);
    }, [] {});
  }

  HttpLink* current() { return net_.first_live(); }

  static std::string name_of(const HttpLink& l) { return "server: #" + std::to_string(l.id) + " "; }

  void offer_server(Menu& menu, bool faults) {
    HttpLink* l = current();
    if (!l) return;
    if (!l->head_sent) {
      menu.add(8, [this, l] {
        w_.step(name_of(*l) + "200 text/event-stream");
        l->head(200, {{"Content-Type", w_.chance(0.5) ? "text/event-stream" : "Text/Event-Stream; charset=utf-8"}});
      });
      if (!faults) return;
      menu.add(1, [this, l] {
        const int status = w_.chance(0.5) ? 503 : (w_.chance(0.5) ? 500 : 429);
        w_.step(name_of(*l) + "HTTP " + std::to_string(status));
        answer(*l, status, {{"Content-Type", "text/plain"}});
      });
      menu.add(1, [this, l] {
        const int status = w_.chance(0.5) ? 404 : 401;
        w_.step(name_of(*l) + "HTTP " + std::to_string(status) + " (stops for good)");
        answer(*l, status, {{"Content-Type", "text/plain"}});
      });
      menu.add(1, [this, l] {
        w_.step(name_of(*l) + "HTTP 204 (stops for good)");
        answer(*l, 204, {});
      });
      menu.add(1, [this, l] {
        w_.step(name_of(*l) + "200 with Content-Type text/html (stops for good)");
        answer(*l, 200, {{"Content-Type", "text/html"}});
      });
      menu.add(2, [this, l] {
        static constexpr int kStatus[] = {301, 302, 303, 307, 308};
        const int status = kStatus[w_.below(std::size(kStatus))];
        const std::string location = "http://example.com/moved/" + std::to_string(l->id);
        w_.step(name_of(*l) + "HTTP " + std::to_string(status) + " to " + location);
        following_redirect_ = true;
        answer(*l, status, {{"Location", location}});
        following_redirect_ = false;
      });
      menu.add(1, [this, l] {
        w_.step(name_of(*l) + "redirect without Location (stops for good)");
        answer(*l, 302, {});
      });
      menu.add(1, [this, l] {
        w_.step(name_of(*l) + "reset before the response");
        l->end(errc::connection_reset, "reset");
      });
      return;
    }
    menu.add(6, [this, l] { send_event(*l, false); });
    menu.add(1, [this, l] {
      w_.step(name_of(*l) + "keep-alive comment");
      l->data(w_.chance(0.5) ? ":\n" : ": ping\r\n");
    });
    if (!faults) return;
    menu.add(1, [this, l] { send_event(*l, true); });
    menu.add(1, [this, l] {
      w_.step(name_of(*l) + "sends half an event, then the stream ends");
      if (l->data("data: cut sho")) l->end();
    });
    menu.add(1, [this, l] {
      w_.step(name_of(*l) + "the stream ends");
      l->end();
    });
    menu.add(1, [this, l] {
      w_.step(name_of(*l) + "connection reset");
      l->end(errc::connection_reset, "reset");
    });
  }

  void answer(HttpLink& l, int status, Headers headers) {
    if (l.head(status, headers) && l.data("")) l.end();
  }

  // One event, cut into random chunks: every split of the bytes must give the same event.
  void send_event(HttpLink& l, bool oversize) {
    static constexpr const char* kEol[] = {"\n", "\r\n", "\r"};
    const std::string eol = kEol[w_.below(3)];
    SentEvent event{w_.chance(0.3) ? "tick" : "message", "", model_id_};
    std::string text;
    if (w_.chance(0.2)) text += ": comment" + eol;
    if (event.type != "message") text += "event: " + event.type + eol;
    std::string id;
    if (w_.chance(0.7)) {
      id = event.last_id = std::to_string(++next_id_);
      text += "id: " + id + eol;
    }
    std::optional<Duration> retry;
    if (w_.chance(0.1)) {
      retry = w_.millis(50, 5000);
      text += "retry: " + std::to_string(retry->count()) + eol;
    }
    const int lines = w_.between(1, 3);
    // Clearly within the limits (an eighth of max_event_size a line), or clearly over them.
    const int size = static_cast<int>(options_.max_event_size / 8);
    for (int i = 0; i < lines; ++i) {
      std::string value = "v" + std::to_string(next_id_) + (w_.chance(0.3) ? "\xc3\xa9\xe2\x82\xac" : "");  // é€
      const int length = oversize && i == 0 ? static_cast<int>(options_.max_event_size) + w_.between(1, 64) : w_.between(0, size);
      value.resize(std::max(value.size(), static_cast<std::size_t>(length)), 'x');
      event.data += (i ? "\n" : "") + value;
      text += "data: " + value + eol;
    }
    text += eol;
    if (eol == "\r") text += "\n";  // a lone CR at a chunk end is only ended by what follows; close the event for sure
    w_.step(name_of(l) + "sends " + (oversize ? "an oversized " : "") + event.type + " event, id " +
            (id.empty() ? "-" : id) + ", " + std::to_string(text.size()) + " B");
    if (!oversize) expected_.push_back(event);
    std::size_t at = 0;
    while (at < text.size()) {
      const std::size_t n = std::min(text.size() - at, static_cast<std::size_t>(w_.between(1, 24)));
      if (!l.data(std::string_view(text).substr(at, n))) break;
      at += n;
    }
    if (destroyed()) return;
    const bool delivered = expected_.empty();
    expected_.clear();
    if (retry) model_retry_ = *retry;  // applied as its line ends, before the data
    if (oversize) {
      inv_.check(client_->ready_state() == sse::ReadyState::closed, "an event over the limits did not stop the client");
      return;
    }
    inv_.check(delivered, "a whole event was sent but not delivered");
    if (!id.empty()) model_id_ = id;
  }

  void offer_user(Menu& menu) {
    menu.add(1, [this] {
      w_.step("user: close()");
      client_->close();
    });
    menu.add(1, [this] {
      w_.step("user: connect()");
      if (client_->ready_state() == sse::ReadyState::closed) closed_for_good_ = false;
      client_->connect();
    });
    static constexpr const char* kEvents[] = {"on_open", "on_message", "on_error", "on_reconnecting", "on_close"};
    client_.offer(menu, kEvents);
  }

  // ---- invariants after every step

  void check_step() {
    if (client_.gone([this] { return net_.held(); })) return;
    const sse::Client& c = *client_;
    inv_.check(net_.held() <= 1, "the client holds more than one request");
    inv_.check(c.reconnection_time() == model_retry_, "the reconnection time is not the server's last retry:");
    inv_.check(c.last_event_id() == model_id_, "the last event ID is not the last id the server sent");
    if (c.ready_state() == sse::ReadyState::closed)
      inv_.check(w_.loop.timer_count() == 0 && net_.held() == 0, "closed, yet a timer or request is left");
    if (c.ready_state() == sse::ReadyState::open) {
      HttpLink* l = current();
      inv_.check(l && l->head_sent, "open without a response being streamed");
    }
  }

  // ---- the end: faults stop, the client comes back where it left off, then closes

  void drain_and_close() {
    w_.step("-- faults stop; the server behaves from now on");
    bool came_back = false;
    for (int i = 0; i < 2000 && !inv_.failed() && !destroyed(); ++i) {
      if (client_->ready_state() == sse::ReadyState::closed) {
        w_.step("user: connect() (drain)");
        closed_for_good_ = false;
        client_->connect();
        w_.loop.run_posted();
        continue;
      }
      HttpLink* l = current();
      if (client_->ready_state() == sse::ReadyState::open && l) {
        send_event(*l, false);  // resumes where it left off: Last-Event-ID is checked on every request
        w_.loop.run_posted();
        came_back = true;
        break;
      }
      serve_politely();
    }
    if (destroyed() || inv_.failed()) return;
    inv_.check(came_back, "the client did not come back within the drain once the faults stopped");
    w_.step("user: close()");
    client_->close();
    w_.loop.run_posted();
    if (destroyed() || inv_.failed()) return;
    inv_.check(closed_for_good_, "close() without on_close");
    inv_.check(w_.loop.timer_count() == 0, "timers left after close()");
    inv_.check(net_.held() == 0, "a request left after close()");
  }

  void serve_politely() {
    Menu menu;
    offer_server(menu, false);
    HttpLink* l = current();
    if (l && l->head_sent) menu.clear();  // open: nothing to answer, let the clock run
    if (!menu.run(w_)) w_.wait(Duration(100));
    w_.loop.run_posted();
    check_step();
  }

  bool destroyed() const { return client_.destroyed(); }

 private:
  World& w_;
  Invariants& inv_;
  HttpNet net_;
  sse::ClientOptions options_;
  Subject<sse::Client> client_;
  std::vector<Subscription> subs_;
  std::vector<SentEvent> expected_;
  std::string model_id_;
  Duration model_retry_{};
  bool closed_for_good_ = false;
  bool following_redirect_ = false;
  int redirect_chain_ = 0;
  int next_id_ = 0;
};

TEST(Sim, SseClient) {
  run_schedules("sse", 1500, [](World& world) {
    SseSim sim(world);
    play(world, sim, 10, 80);
  });
}

}  // namespace
}  // namespace twinsock::sim
