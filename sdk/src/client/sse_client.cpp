#include "twinsock/sse/client.hpp"

#include <algorithm>

#include "codec/http/message.hpp"
#include "codec/sse/parser.hpp"
#include "codec/url/url.hpp"
#include "client/url_resolve.hpp"
#include "proto/backoff.hpp"
#include "twinsock/error.hpp"

namespace twinsock::sse {
namespace {

// "text/event-stream; charset=utf-8" -> true (media type compared case-insensitively).
bool is_event_stream(const std::string* content_type) {
  if (!content_type) return false;
  std::string type = content_type->substr(0, content_type->find(';'));
  while (!type.empty() && (type.back() == ' ' || type.back() == '\t')) type.pop_back();
  std::size_t start = 0;
  while (start < type.size() && (type[start] == ' ' || type[start] == '\t')) ++start;
  type = type.substr(start);
  for (char& c : type)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return type == "text/event-stream";
}

bool is_redirect(int status) {
  return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

// The backoff's first delay when the server's `retry:` is shorter: the spec lets a client
// wait longer, and `retry: 0` from a server that drops every stream at once would
// otherwise reconnect in a busy loop.
constexpr Duration kShortestBackoffBase = Duration(100);

}  // namespace

class Client::Impl final : public HttpResponseEvents {
 public:
  Impl(Client& owner, Loop& loop, std::string url, ClientOptions options)
      : owner_(owner),
        loop_(loop),
        url_(platform_resolve_url(url)),  // relative to the page, in browsers
        current_url_(url_),
        options_(std::move(options)),
        parser_(ParserLimits{options_.max_line_length, options_.max_event_size}),
        backoff_(options_.reconnect),
        connect_timer_(loop),
        reconnect_timer_(loop),
        idle_timer_(loop) {
    if (!options_.transport_factory) options_.transport_factory = platform_http_factory();
    if (!options_.last_event_id.empty()) parser_.set_last_event_id(options_.last_event_id);
    reconnection_time_ = options_.reconnect.min_delay;
    method_ = options_.method;
    body_ = options_.body;
    if (!options_.start_closed) connect();
  }

  ~Impl() override { *alive_ = false; }

  void connect() {
    if (state_ != ReadyState::closed) return;
    state_ = ReadyState::connecting;
    backoff_.reset();
    loop_.post([this, alive = alive_] {
      if (*alive && state_ == ReadyState::connecting && !transport_ && !reconnect_timer_.armed()) start_attempt();
    });
  }

  void close() {
    if (state_ == ReadyState::closed) return;
    stop();
    loop_.post([this, alive = alive_] {
      if (*alive) owner_.on_close.emit();
    });
  }

  ReadyState state() const { return state_; }
  const std::string& last_event_id() const { return parser_.last_event_id(); }
  const std::string& url() const { return current_url_; }
  Duration reconnection_time() const { return reconnection_time_; }
  int http_status() const { return http_status_; }

 private:
  void start_attempt() {
    http_status_ = 0;
    // Checked here, so every platform reports a bad URL (or redirect target) alike; EventSource
    // refuses such a URL outright, and no retry could succeed.
    url::Url parsed;
    std::error_code bad_url = url::parse(current_url_, parsed);
    if (!bad_url && parsed.scheme != "http" && parsed.scheme != "https") bad_url = errc::url_bad_scheme;
    if (bad_url) return fail_for_good(bad_url, "bad event stream URL (http:// or https://): " + current_url_, 0);
    HttpRequest request{
        .method = method_,
        .url = current_url_,
        .headers = headers_for(parsed),
        .body = body_,
        .timeout = options_.connection_timeout,
        .with_credentials = options_.with_credentials,
        .bypass_caches = true,
        .tls = options_.tls,
        .proxy = options_.proxy,
        .http_limits = options_.http_limits,
        .trace = options_.trace,
    };
    request.headers.push_back({"Accept", "text/event-stream"});
    if (!parser_.last_event_id().empty()) request.headers.push_back({"Last-Event-ID", parser_.last_event_id()});
    state_ = ReadyState::connecting;
    open_ = false;
    transport_ = options_.transport_factory(loop_, request, *this);
    connect_timer_.start(options_.connection_timeout, [this] {
      transport_.reset();
      fail_attempt(errc::handshake_timeout,
                   "no response within connection_timeout (" + std::to_string(options_.connection_timeout.count()) +
                       " ms)",
                   0);
    });
  }

  void on_http_head(int status, const Headers& headers) override {
    connect_timer_.cancel();
    http_status_ = status;
    if (!platform_follows_redirects() && is_redirect(status)) return follow_redirect(status, headers);
    if (status == 204) {  // "HTTP 204 No Content" tells the client to stop (WHATWG §9.2.3)
      stop();
      owner_.on_close.emit();
      return;
    }
    if (status != 200) {
      const std::string detail = "HTTP " + std::to_string(status);
      transport_.reset();
      if (status >= 500 || status == 429) return fail_attempt(errc::http_status, detail, status);
      return fail_for_good(errc::http_status, detail, status);
    }
    if (!is_event_stream(find_header(headers, "content-type"))) {
      const std::string* type = find_header(headers, "content-type");
      const std::string detail = "Content-Type is \"" + (type ? *type : std::string()) + "\", not text/event-stream";
      transport_.reset();  // `headers` may belong to the transport: read first, then drop it
      return fail_for_good(errc::sse_bad_content_type, detail, status);
    }
    open_ = true;
    state_ = ReadyState::open;
    redirects_ = 0;
    opened_at_ = loop_.now();
    delivered_ = false;
    arm_idle_timer();
    owner_.on_open.emit();
  }

  void on_http_data(bytes_view data) override {
    if (!open_) return;
    arm_idle_timer();
    events_.clear();
    const std::error_code ec = parser_.feed(data, events_);
    auto alive = alive_;
    for (auto& event : events_) {
      if (auto* retry = std::get_if<Retry>(&event)) {
        const auto ms = retry->ms > 86'400'000 ? 86'400'000 : retry->ms;  // a day at most
        reconnection_time_ = Duration(static_cast<Duration::rep>(ms));
        backoff_.set_min_delay(std::max(reconnection_time_, kShortestBackoffBase));
        continue;
      }
      auto& message = std::get<Message>(event);
      delivered_ = true;
      owner_.on_message.emit(MessageEvent{std::move(message.type), std::move(message.data), std::move(message.id)});
      if (!*alive || !open_) return;
    }
    if (ec) {
      // An event over the limits would come back on every reconnection: stop.
      transport_.reset();
      fail_for_good(ec, ec == errc::sse_line_too_long
                            ? "a line exceeds max_line_length (" + std::to_string(options_.max_line_length) + " bytes)"
                            : "an event's data exceeds max_event_size (" + std::to_string(options_.max_event_size) +
                                  " bytes)",
                    200);
    }
  }

  void on_http_end(std::error_code error, const std::string& detail) override {
    transport_.reset();
    connect_timer_.cancel();
    idle_timer_.cancel();
    parser_.finish();
    if (open_) {
      open_ = false;
      // A stream that brought events, or stayed up min_uptime, worked: the backoff starts
      // over. One that ended at once did not (a server that accepts and closes is failing).
      if (delivered_) backoff_.reset();
      else backoff_.on_connection_lost(std::chrono::duration_cast<Duration>(loop_.now() - opened_at_));
      // The stream ended: reconnect after the reconnection time. An error is reported first,
      // for a clean end too when a reconnection follows, as an EventSource fires "error"
      // whenever it reestablishes the connection.
      auto alive = alive_;
      if (options_.reconnect.enabled) state_ = ReadyState::connecting;  // as EventSource, before "error"
      if (error && error != errc::connection_closed) owner_.on_error.emit(error, detail, 0);
      else if (options_.reconnect.enabled) owner_.on_error.emit(errc::connection_closed, "the server ended the stream", 0);
      if (!*alive || state_ == ReadyState::closed) return;
      return schedule_reconnect();
    }
    fail_attempt(error ? error : std::error_code(errc::connection_closed),
                 detail.empty() ? "connection closed before the response" : detail, 0);
  }

  // The user's headers; after a redirect to another origin without their credentials
  // (Authorization, Cookie), as fetch and curl do: they were meant for the first server.
  Headers headers_for(const url::Url& target) const {
    url::Url first;
    if (platform_follows_redirects() || current_url_ == url_ || url::parse(url_, first) ||
        first.origin() == target.origin())
      return options_.headers;
    Headers kept;
    for (const Header& h : options_.headers)
      if (!http::iequals(h.name, "authorization") && !http::iequals(h.name, "cookie")) kept.push_back(h);
    return kept;
  }

  void follow_redirect(int status, const Headers& headers) {
    const std::string* found = find_header(headers, "location");
    const std::optional<std::string> location = found ? std::optional(*found) : std::nullopt;
    transport_.reset();  // `headers` may belong to the transport: read first, then drop it
    if (!location || location->empty())
      return fail_for_good(errc::http_status, "HTTP " + std::to_string(status) + " without Location", status);
    if (++redirects_ > options_.max_redirects)
      return fail_for_good(errc::too_many_redirects, "more than " + std::to_string(options_.max_redirects) +
                                                         " redirects", status);
    current_url_ = resolve_url(current_url_, *location);
    if (status == 303) {  // RFC 9110 §15.4.4: the next request is a GET
      method_ = "GET";
      body_.clear();
    }
    start_attempt();
  }

  void fail_attempt(std::error_code ec, const std::string& detail, int status) {
    auto alive = alive_;
    state_ = ReadyState::connecting;
    owner_.on_error.emit(ec, detail, status);
    if (!*alive || state_ == ReadyState::closed || transport_ || reconnect_timer_.armed()) return;
    schedule_reconnect();
  }

  void fail_for_good(std::error_code ec, const std::string& detail, int status) {
    auto alive = alive_;
    stop();
    owner_.on_error.emit(ec, detail, status);
    if (!*alive) return;
    owner_.on_close.emit();
  }

  void schedule_reconnect() {
    if (!options_.reconnect.allows_retries()) {  // any failure was reported already: just stop
      stop();
      owner_.on_close.emit();
      return;
    }
    const std::optional<Duration> delay = backoff_.next_delay();
    if (!delay) {
      return fail_for_good(errc::reconnect_failed,
                           std::to_string(backoff_.attempts()) + " attempts made", 0);
    }
    // Never sooner than the reconnection time (the server's `retry:`): the spec
    // lets a client wait longer, not less, so jitter and the cap only add here.
    const Duration wait = std::max(*delay, reconnection_time_);
    state_ = ReadyState::connecting;
    current_url_ = url_;  // redirects are per connection, as EventSource does
    method_ = options_.method;
    body_ = options_.body;
    redirects_ = 0;
    reconnect_timer_.start(wait, [this] { start_attempt(); });
    owner_.on_reconnecting.emit(backoff_.attempts(), wait);
  }

  void arm_idle_timer() {
    if (options_.idle_timeout.count() <= 0) return;
    idle_timer_.start(options_.idle_timeout, [this] {
      transport_.reset();
      parser_.finish();
      open_ = false;
      auto alive = alive_;
      if (options_.reconnect.enabled) state_ = ReadyState::connecting;
      owner_.on_error.emit(errc::idle_timeout,
                           "no data within idle_timeout (" + std::to_string(options_.idle_timeout.count()) + " ms)", 0);
      if (!*alive || state_ == ReadyState::closed) return;
      schedule_reconnect();
    });
  }

  void stop() {
    transport_.reset();
    connect_timer_.cancel();
    reconnect_timer_.cancel();
    idle_timer_.cancel();
    parser_.finish();
    open_ = false;
    state_ = ReadyState::closed;
  }

  Client& owner_;
  Loop& loop_;
  std::string url_;
  std::string current_url_;
  ClientOptions options_;
  std::string method_;
  std::string body_;
  Parser parser_;
  std::vector<Event> events_;
  Backoff backoff_;
  Duration reconnection_time_;
  int http_status_ = 0;
  std::unique_ptr<HttpTransport> transport_;
  ReadyState state_ = ReadyState::closed;
  bool open_ = false;
  TimePoint opened_at_{};
  bool delivered_ = false;  // the open stream dispatched an event
  int redirects_ = 0;
  Timer connect_timer_;
  Timer reconnect_timer_;
  Timer idle_timer_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

Client::Client(Loop& loop, std::string url, ClientOptions options)
    : impl_(std::make_unique<Impl>(*this, loop, std::move(url), std::move(options))) {}
Client::~Client() = default;
void Client::connect() { impl_->connect(); }
void Client::close() { impl_->close(); }
ReadyState Client::ready_state() const { return impl_->state(); }
const std::string& Client::last_event_id() const { return impl_->last_event_id(); }
const std::string& Client::url() const { return impl_->url(); }
Duration Client::reconnection_time() const { return impl_->reconnection_time(); }
int Client::http_status() const { return impl_->http_status(); }

}  // namespace twinsock::sse
