#include "ws_transport.hpp"

#include <optional>

#include "codec/http/limits.hpp"
#include "codec/http/response_parser.hpp"
#include "codec/http/upgrade.hpp"
#include "codec/url/url.hpp"
#include "codec/ws/decoder.hpp"
#include "codec/ws/encoder.hpp"
#include "connector.hpp"
#include "permessage_deflate.hpp"
#include "proxy_env.hpp"
#include "tls_cache.hpp"
#include "twinsock/error.hpp"
#include "util/random.hpp"
#include "util/reply_backlog.hpp"

namespace twinsock::native {
namespace {

// Theory of operation
//   connecting: Connector runs (resolve, TCP, proxy, TLS)
//   handshaking: upgrade request sent, response head being parsed (RFC 6455 §4.1)
//   open: frames both ways
//   closing: our close frame sent, waiting for the server's (close_timeout bounds it)
//   closing_by_peer: the server's close frame answered, waiting for its FIN
//   failing: the server broke the protocol; our close frame sent, its bytes discarded
//            until its FIN (close_timeout bounds it)
//   done: on_transport_close delivered; nothing else happens
class NativeWsTransport final : public ws::Transport, private StreamHandler {
 public:
  NativeWsTransport(PollLoop& loop, const ws::ConnectParams& params, ws::TransportEvents& events)
      : loop_(loop),
        events_(events),
        handshake_(std::make_unique<Handshake>(params)),
        max_frame_size_(params.max_frame_size),
        max_message_size_(params.max_message_size),
        max_fragments_(params.max_fragments),
        close_timeout_(params.close_timeout),
        trace_(params.trace),
        close_timer_(loop) {
    loop_.post([this, alive = alive_] {
      if (*alive) start();
    });
  }

  ~NativeWsTransport() override { *alive_ = false; }

  void send(ws::MessageType type, std::string_view data, bool compress) override {
    if (state_ != State::open || !stream_) return;
    out_.clear();
    const ws::MessageOptions options{.max_frame_payload = max_frame_size_,
                                     .rsv1 = compress && deflate_ != nullptr};
    if (options.rsv1) {
      compressed_.clear();
      deflate_->compress(as_bytes(data), compressed_);
      ws::encode_message(out_, type, compressed_, system_random(), options);
    } else {
      ws::encode_message(out_, type, as_bytes(data), system_random(), options);
    }
    if (trace_)
      trace_(std::string("> ") + (type == ws::MessageType::text ? "text " : "binary ") + std::to_string(data.size()) + " bytes");
    write_out();
  }

  bool ping(bytes_view payload) override {
    if (state_ != State::open || !stream_) return true;
    out_.clear();
    if (!ws::encode_ping(out_, payload, system_random())) write_out();
    return true;
  }

  void close(std::uint16_t code, std::string_view reason) override {
    if (state_ == State::open && stream_) {
      out_.clear();
      if (ws::encode_close(out_, code, reason, system_random())) {
        out_.clear();  // a code the wire does not allow: close with 1000 instead
        ws::encode_close(out_, std::uint16_t{1000}, "", system_random());
      }
      if (trace_) trace_("> close " + std::to_string(code) + " " + std::string(reason));
      write_out();
      state_ = State::closing;
      close_timer_.start(close_timeout_, [this] {
        finish({.code = 1006, .error = errc::close_timeout, .detail = "no close frame from the server"});
      });
      return;
    }
    if (state_ == State::connecting || state_ == State::handshaking) {
      // Closing before open fails the connection (WHATWG WebSocket close() step 3), reported later.
      handshake_->connector.reset();
      stream_.reset();
      state_ = State::closing;
      loop_.post([this, alive = alive_] {
        if (*alive) finish({.code = 1006, .detail = "closed before the connection opened"});
      });
    }
  }

  std::size_t buffered_amount() const override { return stream_ ? stream_->buffered_amount() : 0; }

 private:
  enum class State { connecting, handshaking, open, closing, closing_by_peer, failing, done };

  // What only the opening needs, freed once the connection is open (memory per
  // idle connection counts when a process holds thousands).
  struct Handshake {
    explicit Handshake(const ws::ConnectParams& p) : params(p), response(http::response_limits(p.http_limits, 0)) {}
    ws::ConnectParams params;
    url::Url url;
    http::UpgradeOptions upgrade_options;
    std::string key;
    http::ResponseParser response;
    std::unique_ptr<Connector> connector;
  };

  void start() {
    if (state_ != State::connecting) return;
    url::Url& url = handshake_->url;
    if (auto ec = url::parse(handshake_->params.url, url)) return finish({.error = ec, .detail = "bad URL: " + handshake_->params.url});
    url = url.with_websocket_scheme();  // http and https mean ws and wss, as in browsers and ws 8
    std::optional<ProxySettings> proxy;
    if (auto ec = proxy_for(url, handshake_->params.proxy, proxy)) return finish({.error = ec, .detail = "bad proxy URL"});
    ConnectRequest request{.host = url.host, .port = url.port, .tls = url.secure(), .proxy = proxy,
                           .timeout = handshake_->params.connect_timeout};
    if (request.tls) {
      std::error_code ec;
      std::string detail;
      request.tls_context = tls_context_for(handshake_->params.tls, ec, detail);
      if (ec) return finish({.error = ec, .detail = std::move(detail)});
    }
    handshake_->connector = std::make_unique<Connector>(loop_);
    handshake_->connector->start(std::move(request), [this](std::error_code ec, std::unique_ptr<Stream> stream,
                                                            std::string detail) {
      handshake_->connector.reset();
      if (ec) return finish({.error = ec, .detail = std::move(detail)});
      stream_ = std::move(stream);
      send_upgrade();
    });
  }

  void send_upgrade() {
    http::UpgradeOptions& options = handshake_->upgrade_options;
    options.subprotocols = std::move(handshake_->params.subprotocols);  // moved: the handshake's, used once
    options.extra_headers = std::move(handshake_->params.headers);
    if (handshake_->params.per_message_deflate) options.permessage_deflate = http::DeflateOffer{};
    http::UpgradeRequest request;
    if (auto ec = http::make_upgrade_request(handshake_->url, options, system_random(), request))
      return finish({.error = ec, .detail = "could not build the upgrade request"});
    handshake_->key = request.key;
    trace_block("> ", request.text);
    state_ = State::handshaking;
    stream_->set_handler(this);
    stream_->write(as_bytes(request.text));
  }

  void on_stream_data(bytes_view data) override {
    if (state_ == State::handshaking) return on_handshake_data(data);
    if (state_ == State::failing) {
      // Discarded while the server reads our close frame; a flood is cut off.
      discarded_ += data.size();
      if (discarded_ > kFailingDiscardLimit) finish(*failure_);
      return;
    }
    feed_frames(data);
  }

  void on_handshake_data(bytes_view data) {
    http::ResponseParser& response = handshake_->response;
    if (auto ec = response.feed(data)) return finish({.error = ec, .detail = "bad upgrade response"});
    for (;;) {
      const http::Event event = response.next();
      switch (event.kind) {
        case http::EventKind::need_data: return;
        case http::EventKind::error:
          return finish({.error = event.error,
                         .detail = "bad upgrade response: " + http::describe_error(event.error, response.limits())});
        case http::EventKind::head:
        case http::EventKind::message_end:
          // Interim responses (100 Continue, 103 Early Hints) come before the 101 (RFC 9110 §15.2).
          if (response.head().status < 200) {
            if (event.kind == http::EventKind::head) trace_head();
            continue;
          }
          [[fallthrough]];
        case http::EventKind::body:
        case http::EventKind::closed: {
          // Anything but a 101 head means the upgrade was refused.
          trace_head();
          const int status = response.head().status;
          std::string detail = "server answered HTTP " + std::to_string(status) + " " + response.head().reason;
          // Browsers do not follow a WebSocket redirect, nor do we; where it points helps the user.
          if (const std::string* location = http::find_header(response.head().headers, "location");
              location && status >= 300 && status < 400)
            detail += " to " + *location + " (WebSocket redirects are not followed)";
          return finish({.error = errc::ws_handshake_bad_status, .detail = std::move(detail)});
        }
        case http::EventKind::upgrade: return on_upgraded(response.unconsumed());
      }
    }
  }

  void on_upgraded(bytes_view rest) {
    trace_head();
    http::UpgradeResult result;
    if (auto ec = http::validate_upgrade_response(handshake_->response.head(), handshake_->key,
                                                  handshake_->upgrade_options, result))
      return finish({.error = ec, .detail = "invalid upgrade response"});
    decoder_.emplace(ws::DecoderConfig{.max_message_size = max_message_size_,
                                       .max_fragments = max_fragments_,
                                       .allow_rsv1 = result.permessage_deflate.has_value()});
    if (result.permessage_deflate)
      deflate_ = std::make_unique<PerMessageDeflate>(*result.permessage_deflate, max_message_size_);
    state_ = State::open;
    bytes leftover(rest.begin(), rest.end());  // frames sent right behind the 101 (`rest` is the parser's)
    handshake_.reset();
    auto alive = alive_;
    events_.on_transport_open(result.subprotocol);
    if (!*alive || leftover.empty()) return;
    feed_frames(leftover);
  }

  void feed_frames(bytes_view data) {
    if (!decoder_ || state_ == State::done) return;
    auto alive = alive_;
    decoder_->feed(data);
    while (auto event = decoder_->next()) {
      if (trace_) trace_frame("< ", *event);
      switch (event->type) {
        case ws::EventType::text:
        case ws::EventType::binary: {
          if (state_ != State::open && state_ != State::closing) break;  // after a close: discard
          const auto type = event->type == ws::EventType::text ? ws::MessageType::text : ws::MessageType::binary;
          if (event->compressed) {
            std::string inflated;
            if (auto ec = deflate_->decompress(event->payload, inflated)) return fail(ec);
            if (type == ws::MessageType::text && !utf8::is_valid(as_bytes(inflated))) return fail(errc::ws_invalid_utf8);
            events_.on_transport_message(type, std::move(inflated));
          } else {
            events_.on_transport_message(type, std::string(event->text()));
          }
          if (!*alive) return;
          break;
        }
        case ws::EventType::ping:
          if (state_ != State::open || !stream_) break;
          owed_pong_.assign(event->payload.begin(), event->payload.end());
          pong_owed_ = true;
          send_owed_pong();
          break;
        case ws::EventType::pong:
          events_.on_transport_pong(event->payload);
          if (!*alive) return;
          break;
        case ws::EventType::close: return on_close_frame(event->close_code, std::string(event->text()));
        case ws::EventType::error: return fail(event->error);
      }
    }
  }

  void on_close_frame(std::optional<std::uint16_t> code, std::string reason) {
    // RFC 6455 §5.5.1: answer a close we did not start by echoing its code.
    if (state_ == State::open && stream_) {
      out_.clear();
      ws::encode_close(out_, code, "", system_random());
      write_out();
    }
    peer_close_ = ws::CloseInfo{.code = code.value_or(1005), .reason = std::move(reason), .was_clean = true};
    // §7.1.1: the server closes the TCP connection first; wait for its FIN (bounded).
    state_ = State::closing_by_peer;
    if (stream_) stream_->shutdown_after_flush();
    close_timer_.start(close_timeout_, [this] { finish(*peer_close_); });
  }

  // Answers the latest ping (RFC 6455 §5.5.2), but not while a few earlier pongs are still
  // unsent: §5.5.3 lets a burst of pings get one pong, for the last of them. When the backlog
  // stops it, it is tried again after the stream's next flush, and at the next ping.
  void send_owed_pong() {
    if (!pong_owed_ || state_ != State::open || !stream_) return;
    if (!pongs_.may_reply(stream_->buffered_amount())) {
      if (!pong_retry_posted_) {
        pong_retry_posted_ = true;
        loop_.post([this, alive = alive_] {  // runs after the flush the queued pongs asked for
          if (!*alive) return;
          pong_retry_posted_ = false;
          if (pongs_.may_reply(stream_ ? stream_->buffered_amount() : 0)) send_owed_pong();
        });
      }
      return;
    }
    pong_owed_ = false;
    out_.clear();
    ws::encode_pong(out_, owed_pong_, system_random());
    write_out();
    pongs_.replied();
  }

  // A protocol error from the server: close with the code it maps to (1002, 1007, 1009).
  // In the closing state our close frame has gone already: one per side (§5.5.1).
  void fail(std::error_code ec) {
    ws::CloseInfo failure{.code = 1006, .error = ec, .detail = describe(ec)};
    if (!stream_ || (state_ != State::open && state_ != State::closing)) return finish_later(std::move(failure));
    if (state_ == State::open) {
      out_.clear();
      std::uint16_t code = close_code_for(ec);
      if (code == 0) code = 1002;
      ws::encode_close(out_, code, "", system_random());
      write_out();
    }
    stream_->shutdown_after_flush();
    // Read on, discarding, until the server's FIN (bounded): closing the socket with unread
    // bytes (the rest of a message too big) resets the connection, and the reset can
    // destroy our close frame before the server reads its code.
    state_ = State::failing;
    decoder_.reset();
    failure_ = std::move(failure);
    close_timer_.start(close_timeout_, [this] { finish(*failure_); });
  }

  // The limit an incoming message broke, by name and value; else the error's message.
  std::string describe(std::error_code ec) const {
    if (ec == errc::ws_message_too_big || ec == errc::ws_inflate_too_big)
      return std::string(ec == errc::ws_message_too_big ? "incoming message" : "decompressed message") +
             " exceeds max_message_size (" + std::to_string(max_message_size_) + " bytes)";
    if (ec == errc::ws_too_many_fragments)
      return "incoming message exceeds max_fragments (" + std::to_string(max_fragments_) + " frames)";
    return std::string(ec.message());
  }

  void write_out() {
    const std::size_t before = stream_->buffered_amount();
    stream_->write(out_);
    pongs_.wrote(before, stream_->buffered_amount());
  }

  void on_stream_closed(std::error_code ec) override {
    stream_.reset();
    if (failure_) return finish(*failure_);
    if (peer_close_) return finish(*peer_close_);
    if (state_ == State::handshaking) {
      if (ec == errc::connection_closed) {
        handshake_->response.finish();  // EOF in the middle of the head is a truncated response
        const http::Event event = handshake_->response.next();
        if (event.kind == http::EventKind::closed)  // not a byte of response
          return finish({.error = ec, .detail = closed_without_response(handshake_->url.secure())});
        ec = event.kind == http::EventKind::error ? event.error : std::error_code(errc::ws_handshake_bad_status);
      }
      return finish({.error = ec, .detail = "connection closed during the WebSocket handshake"});
    }
    // No close frame came: an abnormal closure, with its cause (as the browser twin reports it).
    finish({.code = 1006, .error = ec,
            .detail = ec == errc::connection_closed ? "the server closed the connection without a close frame"
                                                    : std::string(ec.message())});
  }

  // Lets the close frame drain before the stream is dropped.
  void finish_later(ws::CloseInfo info) {
    if (state_ == State::done) return;
    state_ = State::closing;
    decoder_.reset();
    loop_.post([this, alive = alive_, info = std::move(info)] {
      if (*alive) finish(info);
    });
  }

  void finish(ws::CloseInfo info) {
    if (state_ == State::done) return;
    state_ = State::done;
    close_timer_.cancel();
    if (handshake_) handshake_->connector.reset();
    stream_.reset();
    events_.on_transport_close(std::move(info));  // may destroy this
  }

  void trace_block(std::string_view prefix, std::string_view text) {
    if (!trace_) return;
    std::size_t start = 0;
    while (start < text.size()) {
      std::size_t end = text.find("\r\n", start);
      if (end == std::string_view::npos) end = text.size();
      if (end > start) trace_(std::string(prefix) + std::string(text.substr(start, end - start)));
      start = end + 2;
    }
  }

  void trace_head() {
    if (!trace_) return;
    const auto& head = handshake_->response.head();
    trace_("< HTTP/1." + std::to_string(head.version_minor) + " " + std::to_string(head.status) + " " + head.reason);
    for (const auto& h : head.headers) trace_("< " + h.name + ": " + h.value);
  }

  void trace_frame(std::string_view prefix, const ws::Event& event) {
    static constexpr const char* kNames[] = {"text", "binary", "ping", "pong", "close", "error"};
    std::string line = std::string(prefix) + kNames[static_cast<int>(event.type)];
    if (event.type == ws::EventType::error) line += " " + std::string(error_id(event.error));
    else if (event.type == ws::EventType::close) line += " " + std::to_string(event.close_code.value_or(1005)) + " " + std::string(event.text());
    else line += " " + std::to_string(event.payload.size()) + " bytes" + (event.compressed ? " (compressed)" : "");
    trace_(line);
  }

  PollLoop& loop_;
  ws::TransportEvents& events_;
  State state_ = State::connecting;
  std::unique_ptr<Handshake> handshake_;  // until open
  // What the open connection still needs of its ConnectParams (the rest went with handshake_).
  std::size_t max_frame_size_;
  std::size_t max_message_size_;
  std::size_t max_fragments_;
  Duration close_timeout_;
  std::function<void(std::string_view line)> trace_;
  std::optional<ws::Decoder> decoder_;
  std::unique_ptr<PerMessageDeflate> deflate_;
  std::unique_ptr<Stream> stream_;
  std::optional<ws::CloseInfo> peer_close_;
  std::optional<ws::CloseInfo> failure_;  // failing: what the close will report
  std::size_t discarded_ = 0;              // failing: bytes read and dropped so far
  static constexpr std::size_t kFailingDiscardLimit = 8 << 20;
  Timer close_timer_;
  bytes out_;
  bytes compressed_;
  detail::ReplyBacklog pongs_{detail::ReplyBacklog::kMaxWaiting};
  bytes owed_pong_;  // the latest ping's payload while pong_owed_
  bool pong_owed_ = false;
  bool pong_retry_posted_ = false;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace

std::unique_ptr<ws::Transport> make_ws_transport(PollLoop& loop, const ws::ConnectParams& params,
                                                 ws::TransportEvents& events) {
  return std::make_unique<NativeWsTransport>(loop, params, events);
}

}  // namespace twinsock::native

namespace twinsock::ws {

TransportFactory platform_transport_factory() {
  return [](Loop& loop, const ConnectParams& params, TransportEvents& events) {
    return native::make_ws_transport(static_cast<native::PollLoop&>(loop), params, events);
  };
}

}  // namespace twinsock::ws
