// The WebSocket transport seam: one connection attempt, no reconnection.
//
// ws::Client (portable) drives a Transport made by a TransportFactory. Natively
// the factory returns our RFC 6455 implementation over TCP/TLS; in the browser
// it wraps the browser's WebSocket. Tests inject fakes.
//
// Contract for implementations:
// - No event is delivered inside a call the client makes (send, ping, close):
//   events arrive on later loop turns.
// - After creation: at most one on_transport_open, any number of messages and
//   pongs, then exactly one on_transport_close, and nothing after it.
// - Destroying the transport aborts it silently (no events).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "twinsock/bytes.hpp"
#include "twinsock/http_header.hpp"
#include "twinsock/http_limits.hpp"
#include "twinsock/loop.hpp"
#include "twinsock/tls_options.hpp"
#include "twinsock/ws/message_type.hpp"

namespace twinsock::ws {


/// How a connection ended, as the DOM CloseEvent reports it, plus the error that
/// caused it (empty for a clean close).
struct CloseInfo {
  std::uint16_t code = 1006;  // 1006: closed without a close frame (RFC 6455 §7.1.5)
  std::string reason;
  bool was_clean = false;
  std::error_code error;
  std::string detail;  // a human explanation of `error` (OpenSSL's words, an HTTP status line)
};

struct ConnectParams {
  std::string url;
  Headers headers;
  /// The headers are a courtesy the platform may drop when it cannot send them
  /// (browsers set no WebSocket handshake headers); else such a platform refuses
  /// the connection with errc::not_supported.
  bool headers_optional = false;
  std::vector<std::string> subprotocols;
  std::size_t max_message_size = 0;
  std::size_t max_fragments = 100'000;  // frames of one incoming message (native)
  std::size_t max_frame_size = 0;  // outgoing fragmentation threshold
  HttpLimits http_limits;          // the upgrade response (native)
  bool per_message_deflate = false;
  Duration connect_timeout{};
  Duration close_timeout{};
  TlsOptions tls;
  std::string proxy;  // "http://user:pass@host:port", or empty for none / the environment
  /// Receives a human-readable protocol trace (handshake, frames) when set.
  std::function<void(std::string_view line)> trace;
};

class TransportEvents {
 public:
  virtual ~TransportEvents() = default;
  virtual void on_transport_open(std::string_view subprotocol) = 0;
  virtual void on_transport_message(MessageType type, std::string&& data) = 0;
  virtual void on_transport_pong(bytes_view payload) = 0;
  virtual void on_transport_close(CloseInfo info) = 0;
};

class Transport {
 public:
  virtual ~Transport() = default;
  virtual void send(MessageType type, std::string_view data, bool compress) = 0;
  /// Sends a ping; false when the platform cannot (browsers have no ping API).
  virtual bool ping(bytes_view payload) = 0;
  /// Starts the closing handshake (or aborts a connection still opening).
  virtual void close(std::uint16_t code, std::string_view reason) = 0;
  virtual std::size_t buffered_amount() const = 0;
};

using TransportFactory =
    std::function<std::unique_ptr<Transport>(Loop& loop, const ConnectParams& params, TransportEvents& events)>;

/// The platform's transport: defined by the native library or the web library,
/// whichever the program links.
TransportFactory platform_transport_factory();

}  // namespace twinsock::ws
