// The WebSocket transport (engine.io-protocol "WebSocket"; engine.io-client
// transports/websocket.ts): one Engine.IO packet per message, binary messages
// as raw binary frames.
#include "client/eio_transport.hpp"
#include "twinsock/error.hpp"
#include "util/reply_backlog.hpp"

namespace twinsock::eio::detail {
namespace {

class WebSocketTransport final : public EngineTransport, private ws::TransportEvents {
 public:
  WebSocketTransport(SessionContext& ctx, TransportHandler& handler) : ctx_(ctx) { handler_ = &handler; }
  ~WebSocketTransport() override { *alive_ = false; }

  std::string_view name() const override { return kWebSocket; }

  void open() override {
    if (ws_ || closed_) return;
    url_ = ctx_.url_for(kWebSocket);
    ws::ConnectParams params{
        .url = url_,
        .headers = ctx_.headers_for(url_),
        .headers_optional = true,  // engine.io-client in a browser sends extraHeaders on polling only
        .max_message_size = ctx_.options.max_message_size,
        .http_limits = ctx_.options.http_limits,
        .per_message_deflate = false,
        .connect_timeout = ctx_.options.request_timeout,
        .close_timeout = Duration(1000),
        .tls = ctx_.options.tls,
        .proxy = ctx_.options.proxy,
        .trace = ctx_.options.trace,
    };
    ws_ = ctx_.ws_factory()(ctx_.loop, params, *this);
  }

  // A WebSocket never blocks a write: writable as soon as it is open.
  bool writable() const override { return opened_ && !closed_ && ws_; }

  bool may_pong() override { return !ws_ || pongs_.may_reply(ws_->buffered_amount()); }

  void send(std::span<const Packet> packets) override {
    if (!writable()) return;
    for (const Packet& packet : packets) {
      WsMessage m = encode_ws(packet);
      const std::size_t before = ws_->buffered_amount();
      if (m.binary) ws_->send(ws::MessageType::binary, as_text(m.data), true);
      else ws_->send(ws::MessageType::text, m.text, true);
      pongs_.wrote(before, ws_->buffered_amount());
      if (packet.type == PacketType::pong) pongs_.replied();
    }
    // engine.io-client signals drain on the next tick; so do we.
    ctx_.loop.post([this, alive = alive_] {
      if (*alive && handler_ && !closed_) handler_->on_transport_drain(*this);
    });
  }

  void pause(Callback<void()> done) override { done(); }
  void resume() override {}

  void close() override { shut_down(true); }
  void abort() override { shut_down(false); }

  bool idle() const override { return !ws_; }

 private:
  void on_transport_open(std::string_view) override {
    opened_ = true;
    if (handler_) handler_->on_transport_open(*this);
  }

  void on_transport_message(ws::MessageType type, std::string&& data) override {
    if (closed_ || !handler_) return;
    Packet packet;
    if (type == ws::MessageType::binary) {
      packet = decode_binary(as_bytes(data));
    } else if (auto ec = decode_text(data, packet)) {
      return fail(kParseError, ec, not_engine_io("WebSocket message", data));
    }
    if (packet.type == PacketType::close)
      return fail(kTransportClose, errc::closed_by_server, "the server sent a close packet");
    handler_->on_transport_packet(*this, std::move(packet));
  }

  void on_transport_pong(bytes_view) override {}

  void on_transport_close(ws::CloseInfo info) override {
    auto transport = std::move(ws_);  // destroyed when this returns (the contract allows it)
    if (closed_) return;
    closed_ = true;
    // A clean or plain end of the connection is a "transport close"; a failure an error.
    const bool error = info.error && info.error != errc::connection_closed;
    const std::string detail =
        info.detail.empty() ? "WebSocket closed (code " + std::to_string(info.code) + ")" : info.detail;
    if (TransportHandler* handler = std::exchange(handler_, nullptr))
      handler->on_transport_close(*this, error ? kTransportError : kTransportClose,
                                  info.error ? info.error : std::error_code(errc::connection_closed), detail);
  }

  void shut_down(bool goodbye) {
    handler_ = nullptr;
    if (closed_) return;
    closed_ = true;
    if (!ws_) return;
    if (opened_ && goodbye && !ctx_.sid.empty())  // a session to close
      ws_->send(ws::MessageType::text, encode_text(Packet::text(PacketType::close)), false);
    ws_->close(1000, "");  // the transport reports its close later; until then it lingers
  }

  // Dead from our side: close the connection, tell the handler once.
  void fail(std::string_view reason, std::error_code ec, const std::string& detail) {
    closed_ = true;
    if (ws_) ws_->close(reason == kParseError ? 1002 : 1000, "");
    if (TransportHandler* handler = std::exchange(handler_, nullptr))
      handler->on_transport_close(*this, reason, ec, detail);
  }

  SessionContext& ctx_;
  std::string url_;
  std::unique_ptr<ws::Transport> ws_;
  bool opened_ = false;
  bool closed_ = false;
  twinsock::detail::ReplyBacklog pongs_{1};
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace

std::unique_ptr<EngineTransport> make_websocket(SessionContext& ctx, TransportHandler& handler) {
  return std::make_unique<WebSocketTransport>(ctx, handler);
}

}  // namespace twinsock::eio::detail
