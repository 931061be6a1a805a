// Fuzzes http::ResponseParser in every mode: normal (finish() at EOF), HEAD
// request, streaming (no EOF, no body limit), each with default or tiny limits.
// Properties: no crash; the limits hold (headers, trailers, body bytes);
// body views lie inside the fed chunk; the events are the same as when the
// input is fed whole (split invariance).
#include <cstdint>
#include <string>
#include <vector>

#include "codec/http/response_parser.hpp"
#include "fuzz_support.hpp"

using namespace twinsock;

namespace {

struct Mode {
  bool head = false;
  bool streaming = false;
  http::ResponseLimits limits;
};

// A flat description of what the parser reported, with body pieces merged.
std::string run(const std::vector<bytes_view>& chunks, const Mode& mode) {
  http::ResponseParser p(mode.limits);
  p.set_head_request(mode.head);
  std::string log;
  std::uint64_t body = 0;
  bool in_body = false;
  bool upgraded = false;
  auto drain = [&](bytes_view chunk) {
    for (;;) {
      const http::Event ev = p.next();
      if (ev.kind != http::EventKind::body && ev.kind != http::EventKind::need_data && in_body) {
        log += "]";
        in_body = false;
      }
      switch (ev.kind) {
        case http::EventKind::need_data: return true;
        case http::EventKind::head:
          TWINSOCK_FUZZ_ASSERT(p.head().headers.size() <= mode.limits.max_headers);
          log += "H" + std::to_string(p.head().status) + "/" + std::to_string(p.head().headers.size());
          body = 0;
          if (mode.head) p.set_head_request(true);
          break;
        case http::EventKind::body:
          TWINSOCK_FUZZ_ASSERT(!ev.data.empty());
          TWINSOCK_FUZZ_ASSERT(ev.data.data() >= chunk.data() && ev.data.data() + ev.data.size() <= chunk.data() + chunk.size());
          body += ev.data.size();
          if (mode.limits.max_body_bytes) TWINSOCK_FUZZ_ASSERT(body <= mode.limits.max_body_bytes);
          if (!in_body) log += "[";
          in_body = true;
          log += as_text(ev.data);
          break;
        case http::EventKind::message_end:
          TWINSOCK_FUZZ_ASSERT(p.trailers().size() <= mode.limits.max_headers);
          log += "E" + std::to_string(p.trailers().size());
          break;
        case http::EventKind::upgrade:
          TWINSOCK_FUZZ_ASSERT(ev.consumed <= chunk.size());
          TWINSOCK_FUZZ_ASSERT(p.unconsumed().size() == chunk.size() - ev.consumed);
          upgraded = true;
          log += "U|";
          log += as_text(p.unconsumed());
          return false;
        case http::EventKind::closed:
          log += "C";
          return false;
        case http::EventKind::error:
          log += "X" + std::to_string(ev.error.value());
          return false;
      }
    }
  };
  std::size_t i = 0;
  for (; i < chunks.size(); ++i) {
    TWINSOCK_FUZZ_ASSERT(!p.feed(chunks[i]));
    if (!drain(chunks[i])) break;
  }
  if (i < chunks.size()) {  // stopped early; after an upgrade the rest belongs to the new protocol
    if (upgraded)
      for (++i; i < chunks.size(); ++i) log += as_text(chunks[i]);
    return log;
  }
  if (!mode.streaming) {
    p.finish();
    drain({});
  }
  return log;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const fuzz::Input input = fuzz::make_chunked(data, size);
  if (input.chunks.empty()) return 0;
  Mode mode;
  mode.head = input.selector & 1;
  mode.streaming = input.selector & 2;
  if (mode.streaming) mode.limits.max_body_bytes = 0;
  if (input.selector & 4) {
    mode.limits.max_head_bytes = 96;
    mode.limits.max_headers = 3;
    mode.limits.max_chunk_line_bytes = 12;
    mode.limits.max_trailer_bytes = 24;
    if (!mode.streaming) mode.limits.max_body_bytes = 16;
  }
  const std::string chunked = run(input.chunks, mode);
  bytes whole;
  for (auto c : input.chunks) whole.insert(whole.end(), c.begin(), c.end());
  TWINSOCK_FUZZ_ASSERT(run({bytes_view(whole)}, mode) == chunked);
  return 0;
}
