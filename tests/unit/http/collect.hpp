// Test helper: runs a ResponseParser over chunks and summarizes what it saw.
#pragma once

#include <string>
#include <vector>

#include "codec/http/response_parser.hpp"
#include "twinsock/error.hpp"

namespace twinsock::http::test {

struct Seen {
  std::vector<ResponseHead> heads;
  std::vector<std::string> bodies;  // one per message, pieces joined
  std::vector<Headers> trailers;
  std::size_t body_events = 0;
  std::size_t messages = 0;
  bool upgraded = false;
  std::string after_upgrade;  // unconsumed bytes of the chunk that held the end of the head
  bool closed = false;
  std::string error;  // stable id, empty when none
};

// Feeds `chunks` in order, then finish() when `eof`.
inline Seen collect(ResponseParser& p, const std::vector<std::string>& chunks, bool eof = true) {
  Seen s;
  auto drain = [&] {
    for (;;) {
      const Event ev = p.next();
      switch (ev.kind) {
        case EventKind::need_data: return true;
        case EventKind::head:
          s.heads.push_back(p.head());
          s.bodies.emplace_back();
          break;
        case EventKind::body:
          s.bodies.back() += std::string(as_text(ev.data));
          ++s.body_events;
          break;
        case EventKind::message_end:
          s.trailers.push_back(p.trailers());
          ++s.messages;
          break;
        case EventKind::upgrade:
          s.heads.push_back(p.head());
          s.upgraded = true;
          s.after_upgrade = std::string(as_text(p.unconsumed()));
          return false;
        case EventKind::closed:
          s.closed = true;
          return false;
        case EventKind::error:
          s.error = std::string(error_id(ev.error));
          return false;
      }
    }
  };
  for (const auto& c : chunks) {
    if (p.feed(as_bytes(c))) {
      s.error = "feed refused";
      return s;
    }
    if (!drain()) return s;
  }
  if (eof) {
    p.finish();
    drain();
  }
  return s;
}

inline Seen collect(const std::string& text, bool eof = true, ResponseLimits limits = {}, bool head = false) {
  ResponseParser p(limits);
  p.set_head_request(head);
  return collect(p, {text}, eof);
}

}  // namespace twinsock::http::test
