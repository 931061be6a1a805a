// twinsock::sse::Client: an EventSource with the options EventSource lacks
// (POST with a body, custom headers, idle timeout, backoff) and its rules:
// Last-Event-ID on reconnect, `retry:` honoured, 204 stops, a non-200 status or
// a wrong content type fails with the status, redirects followed (bounded).
//
// Theory of operation
// - connecting -> open -> (stream ends or fails) -> connecting again after the
//   reconnection delay, or closed for good. ready_state() keeps the DOM values.
// - The reconnection delay starts at the server's `retry:` value (3 s until one
//   arrives) and grows with the ReconnectPolicy while attempts keep failing;
//   a stream that delivered an event or stayed open min_uptime resets it (one
//   dropped at once does not, so the retry limit still ends a server that accepts
//   and closes; a `retry:` under 100 ms waits 100 ms: never a busy loop). Jitter
//   only lengthens it, and max_delay does not cut a longer `retry:`: a client
//   never comes back sooner than asked.
// - Stops for good on: close(), 204, a 4xx status (except 429), a wrong
//   Content-Type, too many redirects, or the retry limit. 5xx and 429 are
//   retried with backoff (browsers would stop; a restarting server behind a
//   load balancer answers 502/503 for a moment).
// - Events caused by user calls are delivered on a later loop turn. Any callback
//   may destroy the client.
//
// Loop affinity: every member must be called on the loop thread.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <system_error>

#include "twinsock/event.hpp"
#include "twinsock/http_transport.hpp"
#include "twinsock/reconnect.hpp"

namespace twinsock::sse {

enum class ReadyState : std::uint8_t { connecting = 0, open = 1, closed = 2 };  // EventSource values

struct MessageEvent {
  std::string type;  // "message" when the event had no `event:` field
  std::string data;
  std::string last_event_id;
};

struct ClientOptions {
  std::string method = "GET";
  std::string body;  // sent with POST (or any method with a body)
  Headers headers;
  /// Sent as Last-Event-ID on the first request too (resume a saved position).
  std::string last_event_id;
  ReconnectPolicy reconnect{.min_delay = Duration(3000), .max_delay = Duration(30'000), .grow_factor = 2.0,
                            .jitter = 0.3};
  Duration connection_timeout = Duration(10'000);
  /// No byte for this long (comments count: servers send them as keep-alives)
  /// drops the stream and reconnects. Zero disables.
  Duration idle_timeout = Duration(0);
  int max_redirects = 20;  // as fetch() in browsers (Fetch standard, HTTP-redirect fetch)
  /// A line of the stream, without its end (errc::sse_line_too_long).
  std::size_t max_line_length = 64 * 1024;
  /// The data of one event (errc::sse_event_too_large).
  std::size_t max_event_size = 4 * 1024 * 1024;
  HttpLimits http_limits;  // the response head (native only)
  bool with_credentials = false;  // browser only
  TlsOptions tls;                 // native only
  std::string proxy;              // native only; empty: from the environment
  bool start_closed = false;
  std::function<void(std::string_view line)> trace;  // protocol trace, when set
  HttpTransportFactory transport_factory;  // tests, custom stacks
};

class Client {
 public:
  Client(Loop& loop, std::string url, ClientOptions options = {});
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  void connect();
  /// Stops for good; on_close follows on a later turn.
  void close();

  ReadyState ready_state() const;
  const std::string& last_event_id() const;
  /// The URL of the current stream (after redirects).
  const std::string& url() const;
  /// The current reconnection time (the server's `retry:` or the default).
  Duration reconnection_time() const;
  /// The status of the current attempt's HTTP response, 0 until it arrives: 204
  /// once the server has told the client to stop.
  int http_status() const;

  Event<> on_open;
  Event<const MessageEvent&> on_message;
  /// Errors with their stable id and a human detail (e.g. "HTTP 503").
  /// `status` is the HTTP status when the error came with one, else 0. Every lost
  /// stream that a reconnection follows is one, a cleanly ended one too
  /// (connection_closed, "the server ended the stream"), as EventSource's "error".
  Event<std::error_code, const std::string& /*detail*/, int /*status*/> on_error;
  Event<std::uint32_t /*attempt*/, Duration /*delay*/> on_reconnecting;
  /// The client stopped for good (close(), 204, a fatal status, give-up).
  Event<> on_close;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace twinsock::sse
