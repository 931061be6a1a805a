// HTTP long-polling (engine.io-protocol "HTTP long-polling"; engine.io-client
// transports/polling.ts): one GET held by the server to receive, one short POST
// to send, never more than one of each in flight.
#include <vector>

#include "client/eio_transport.hpp"
#include "codec/eio/handshake.hpp"
#include "codec/eio/payload.hpp"
#include "twinsock/error.hpp"
#include "util/ascii.hpp"

namespace twinsock::eio::detail {
namespace {

// Engine.IO v3 prefixed each packet of a polling payload with its length: "96:0{...}2:40".
bool looks_like_engine_io_v3(std::string_view body) {
  std::size_t digits = 0;
  while (digits < body.size() && ascii::is_digit(body[digits])) ++digits;
  return digits > 0 && digits + 1 < body.size() && body[digits] == ':' && ascii::is_digit(body[digits + 1]);
}

// "HTTP 400: Session ID unknown" from the reference server's JSON error body.
std::string describe_status(int status, const std::string& body) {
  std::string detail = "HTTP " + std::to_string(status);
  if (auto error = parse_error_body(body); error && !error->message.empty()) detail += ": " + error->message;
  return detail;
}

class PollingTransport final : public EngineTransport {
 public:
  PollingTransport(SessionContext& ctx, TransportHandler& handler) : ctx_(ctx) { handler_ = &handler; }
  ~PollingTransport() override { *alive_ = false; }

  std::string_view name() const override { return kPolling; }

  void open() override {
    if (state_ != State::idle) return;
    state_ = State::open;
    poll();
  }

  bool writable() const override { return opened_ && state_ != State::closed && !post_; }

  void send(std::span<const Packet> packets) override {
    if (!writable() || packets.empty()) return;
    post_ = start("POST", encode_payload(packets), ctx_.options.request_timeout);
  }

  void pause(Callback<void()> done) override {
    if (state_ == State::closed) return;
    state_ = State::pausing;
    pause_done_ = std::move(done);
    check_paused();
  }

  void resume() override {
    if (state_ != State::pausing && state_ != State::paused) return;
    state_ = State::open;
    pause_done_ = nullptr;
    if (!get_) poll();
  }

  void close() override { shut_down(true); }
  void abort() override { shut_down(false); }

  bool idle() const override { return !get_ && !post_ && !close_post_ && !close_pending_; }

 private:
  enum class State { idle, open, pausing, paused, closed };

  struct Request final : HttpResponseEvents {
    explicit Request(PollingTransport& o) : owner(o) {}
    void on_http_head(int s, const Headers& headers) override {
      status = s;
      owner.ctx_.store_cookies(url, headers);
    }
    void on_http_data(bytes_view data) override { body.append(as_text(data)); }
    void on_http_end(std::error_code ec, const std::string& detail) override { owner.on_end(*this, ec, detail); }

    PollingTransport& owner;
    std::string url;
    std::unique_ptr<HttpTransport> http;
    bool is_get = false;
    int status = 0;
    std::string body;
  };

  std::unique_ptr<Request> start(std::string method, std::string body, Duration timeout) {
    auto request = std::make_unique<Request>(*this);
    request->is_get = method == "GET";
    request->url = ctx_.url_for(kPolling);
    HttpRequest r{
        .method = std::move(method),
        .url = request->url,
        .headers = ctx_.headers_for(request->url),
        .body = std::move(body),
        .timeout = timeout,
        .with_credentials = ctx_.options.with_credentials,
        .tls = ctx_.options.tls,
        .proxy = ctx_.options.proxy,
        .max_body_bytes = ctx_.options.max_message_size,
        .http_limits = ctx_.options.http_limits,
        .trace = ctx_.options.trace,
    };
    if (r.method == "POST") r.headers.push_back({"Content-Type", "text/plain;charset=UTF-8"});
    request->http = ctx_.http_factory()(ctx_.loop, r, *request);
    return request;
  }

  void poll() {
    // The server holds a GET until it has something, at most about pingInterval.
    const Duration timeout = ctx_.sid.empty() ? ctx_.options.request_timeout
                                              : ctx_.options.request_timeout + ctx_.poll_grace;
    get_ = start("GET", {}, timeout);
  }

  void on_end(Request& request, std::error_code ec, const std::string& detail) {
    // Keep the request alive until this returns; its HttpTransport may be the caller.
    std::unique_ptr<Request> done;
    if (get_.get() == &request) done = std::move(get_);
    else if (post_.get() == &request) done = std::move(post_);
    else if (close_post_.get() == &request) done = std::move(close_post_);
    if (!done) return;
    if (state_ == State::closed) {
      if (close_pending_ && !post_) send_close_packet();
      return;
    }
    if (ec == errc::http_body_too_large)  // the body limit is max_message_size: say so
      return fail(kTransportError, errc::eio_payload_too_large, describe_parse_error(errc::eio_payload_too_large));
    if (ec) return fail(kTransportError, ec, detail.empty() ? std::string(ec.message()) : detail);
    if (done->status != 200) return fail(kTransportError, errc::http_status, describe_status(done->status, done->body));
    return done->is_get ? on_poll_response(done->body) : on_post_response();
  }

  void on_poll_response(const std::string& body) {
    std::vector<Packet> packets;
    const std::error_code parse_error = decode_payload(
        body, packets,
        PayloadLimits{.max_payload_bytes = ctx_.options.max_message_size,
                      .max_packets = ctx_.options.max_payload_packets});
    auto alive = alive_;
    for (auto& packet : packets) {
      if (packet.type == PacketType::open) opened_ = true;
      if (packet.type == PacketType::close)
        return fail(kTransportClose, errc::closed_by_server, "the server sent a close packet");
      handler_->on_transport_packet(*this, std::move(packet));
      if (!*alive || !handler_ || state_ == State::closed) return;
    }
    if (parse_error) return fail(kParseError, parse_error, describe_parse_error(parse_error, body));
    if (state_ == State::pausing) return check_paused();
    if (state_ == State::open) poll();
  }

  std::string describe_parse_error(std::error_code ec, std::string_view body = {}) const {
    if (ec == errc::eio_payload_too_large)
      return "polling response exceeds max_message_size (" + std::to_string(ctx_.options.max_message_size) + " bytes)";
    if (ec == errc::eio_too_many_packets)
      return "polling response exceeds max_payload_packets (" + std::to_string(ctx_.options.max_payload_packets) +
             " packets)";
    if (looks_like_engine_io_v3(body))
      return "the server speaks Engine.IO v3 (Socket.IO 2): this client needs Socket.IO 3 or later";
    return not_engine_io("polling response", body);
  }

  void on_post_response() {
    auto alive = alive_;
    handler_->on_transport_drain(*this);
    if (!*alive || !handler_) return;
    check_paused();
  }

  void shut_down(bool goodbye) {
    handler_ = nullptr;
    if (state_ == State::closed) return;
    state_ = State::closed;
    pause_done_ = nullptr;
    const bool say_goodbye = opened_ && goodbye && !ctx_.sid.empty();
    // A held GET is left to end by itself when we say goodbye: cancelling it makes
    // engine.io drop the session at once ("poll connection closed prematurely"),
    // losing the POSTs still in flight (a namespace DISCONNECT, the close packet).
    if (!say_goodbye) get_.reset();
    // engine.io-client's doClose(): a `1` POST when open; the request may outlive the session.
    // engine.io allows one POST at a time: the `1` follows a POST still in flight.
    if (say_goodbye) {  // a session to close
      if (post_) close_pending_ = true;
      else send_close_packet();
    }
  }

  void send_close_packet() {
    close_pending_ = false;
    close_post_ = start("POST", encode_text(Packet::text(PacketType::close)), ctx_.options.request_timeout);
  }

  void check_paused() {
    if (state_ != State::pausing || get_ || post_) return;
    state_ = State::paused;
    if (auto done = std::move(pause_done_)) done();
  }

  void fail(std::string_view reason, std::error_code ec, const std::string& detail) {
    state_ = State::closed;
    get_.reset();
    post_.reset();
    pause_done_ = nullptr;
    if (TransportHandler* handler = std::exchange(handler_, nullptr))
      handler->on_transport_close(*this, reason, ec, detail);
  }

  SessionContext& ctx_;
  State state_ = State::idle;
  bool opened_ = false;  // the open packet arrived: POSTs may go
  bool close_pending_ = false;
  std::unique_ptr<Request> get_, post_, close_post_;
  Callback<void()> pause_done_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace

std::unique_ptr<EngineTransport> make_polling(SessionContext& ctx, TransportHandler& handler) {
  return std::make_unique<PollingTransport>(ctx, handler);
}

}  // namespace twinsock::eio::detail
