// The two Engine.IO transports (polling, websocket) behind one interface, as
// engine.io-client's Transport: the Socket drives them and hears back through
// TransportHandler. Internal to eio::Socket.
#pragma once

#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <system_error>

#include "codec/eio/packet.hpp"
#include "codec/url/query.hpp"
#include "codec/url/url.hpp"
#include "twinsock/eio/socket.hpp"

namespace twinsock::eio::detail {

inline constexpr std::string_view kPolling = "polling";
inline constexpr std::string_view kWebSocket = "websocket";

// Close reasons, verbatim from engine.io-client / socket.io-client.
inline constexpr std::string_view kTransportClose = "transport close";
inline constexpr std::string_view kTransportError = "transport error";
inline constexpr std::string_view kParseError = "parse error";
inline constexpr std::string_view kPingTimeout = "ping timeout";
inline constexpr std::string_view kForcedClose = "forced close";

/// What every transport of one session shares; owned by the Socket, outlives its transports.
struct SessionContext {
  SessionContext(Loop& l, const SocketOptions& o) : loop(l), options(o) {}
  Loop& loop;
  const SocketOptions& options;
  url::Url endpoint;      // http or https; path and query unused
  url::QueryList query;   // the URL's query, then options.query
  std::string sid;        // empty until the handshake
  Duration poll_grace{};  // pingInterval + pingTimeout: how long the server may hold a GET
  std::uint64_t requests = 0;

  /// The options' transport factories, or the platform's.
  ws::TransportFactory ws_factory() const {
    return options.ws_factory ? options.ws_factory : ws::platform_transport_factory();
  }
  HttpTransportFactory http_factory() const {
    return options.http_factory ? options.http_factory : platform_http_factory();
  }
  /// Full URL of a request on `transport` (with `t=` on polling when timestamp_requests).
  std::string url_for(std::string_view transport);
  /// extra_headers plus the jar's Cookie for `url`.
  Headers headers_for(const std::string& url) const;
  /// Keeps the Set-Cookie headers of a response to `url` in the jar.
  void store_cookies(const std::string& url, const Headers& response) const;
  /// The options' cookie jar; none where the platform keeps cookies itself (a browser).
  CookieJar* jar() const { return platform_keeps_cookies() ? nullptr : options.cookie_jar.get(); }
  void trace(std::string_view line) const {
    if (options.trace) options.trace(line);
  }
};

class EngineTransport;

class TransportHandler {
 public:
  virtual ~TransportHandler() = default;
  /// The WebSocket connected (polling never reports this: it opens with the handshake).
  virtual void on_transport_open(EngineTransport& t) = 0;
  /// One decoded packet other than `close`.
  virtual void on_transport_packet(EngineTransport& t, Packet&& packet) = 0;
  /// The last send() completed (polling: the POST answered), writable() again.
  virtual void on_transport_drain(EngineTransport& t) = 0;
  /// The transport is dead: `reason` is kTransportClose, kTransportError or kParseError.
  virtual void on_transport_close(EngineTransport& t, std::string_view reason, std::error_code ec,
                                  const std::string& detail) = 0;
};

/// Each callback into the handler may retire the transport (set_handler(nullptr))
/// or destroy the whole Socket: implementations check both after every call.
class EngineTransport {
 public:
  virtual ~EngineTransport() = default;
  virtual std::string_view name() const = 0;
  /// Starts: polling sends its first GET, websocket connects.
  virtual void open() = 0;
  virtual bool writable() const = 0;
  /// False while the last pong sent is still unsent (websocket: the server is not reading).
  virtual bool may_pong() { return true; }
  /// Sends packets (only when writable()); drain follows.
  virtual void send(std::span<const Packet> packets) = 0;
  /// Polling: stop polling once the in-flight GET and POST are done, then call
  /// `done` (maybe at once). Websocket: `done` at once.
  virtual void pause(Callback<void()> done) = 0;
  /// Undoes pause() (a probe failed after it): polling starts polling again.
  virtual void resume() = 0;
  /// Sends the close packet when open and shuts down; no handler calls after it.
  virtual void close() = 0;
  /// Shuts down without a close packet (a probe that never carried the session).
  virtual void abort() = 0;
  /// True once nothing is in flight any more (a retired transport can go).
  virtual bool idle() const = 0;

  void set_handler(TransportHandler* handler) { handler_ = handler; }

 protected:
  TransportHandler* handler_ = nullptr;
};

/// The detail of a parse error: `what` and the start of the data, quoted
/// ("polling response is not Engine.IO: \"<!DOCTYPE html>...\""), so a user who
/// reached some other server sees what answered.
std::string not_engine_io(std::string_view what, std::string_view data);

std::unique_ptr<EngineTransport> make_polling(SessionContext& ctx, TransportHandler& handler);
std::unique_ptr<EngineTransport> make_websocket(SessionContext& ctx, TransportHandler& handler);

}  // namespace twinsock::eio::detail
