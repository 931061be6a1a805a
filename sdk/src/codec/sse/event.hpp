// What the SSE parser produces (WHATWG HTML §9.2.6 "Interpreting an event stream").
#pragma once

#include <cstdint>
#include <string>
#include <variant>

namespace twinsock::sse {

/// A dispatched event (the MessageEvent an EventSource would fire).
struct Message {
  std::string type;  // the `event` field, "message" when absent or empty
  std::string data;  // the `data` lines joined with LF
  std::string id;    // the last event ID in force when it was dispatched
  friend bool operator==(const Message&, const Message&) = default;
};

/// A `retry` field made only of ASCII digits: the new reconnection time.
/// Takes effect at once, not at dispatch (§9.2.6 "retry").
struct Retry {
  std::uint64_t ms = 0;  // saturates at the largest std::uint64_t
  friend bool operator==(const Retry&, const Retry&) = default;
};

using Event = std::variant<Message, Retry>;

}  // namespace twinsock::sse
