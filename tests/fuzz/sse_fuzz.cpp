// libFuzzer target for the SSE parser. The selector picks the limits.
// Properties: never crashes; buffers and dispatched events stay within the
// limits; the output is valid UTF-8; chunked and whole input agree.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "codec/sse/parser.hpp"
#include "fuzz/fuzz_support.hpp"
#include "util/utf8.hpp"

namespace {

using twinsock::sse::Event;
using twinsock::sse::Message;
using twinsock::sse::Parser;
using twinsock::sse::ParserLimits;

constexpr std::size_t kLineLimits[] = {0, 3, 16, 64 * 1024};
constexpr std::size_t kEventLimits[] = {0, 5, 64, 1024 * 1024};

struct Run {
  std::vector<Event> events;
  std::error_code error;
  std::string last_event_id;
};

void check_events(const std::vector<Event>& events, const ParserLimits& limits) {
  for (const Event& e : events) {
    if (const auto* m = std::get_if<Message>(&e)) {
      TWINSOCK_FUZZ_ASSERT(m->data.size() <= limits.max_event_size);
      TWINSOCK_FUZZ_ASSERT(m->id.size() <= limits.max_line_length);
      TWINSOCK_FUZZ_ASSERT(m->type == "message" || m->type.size() <= limits.max_line_length);
      TWINSOCK_FUZZ_ASSERT(twinsock::utf8::is_valid(twinsock::as_bytes(m->data)));
      TWINSOCK_FUZZ_ASSERT(twinsock::utf8::is_valid(twinsock::as_bytes(m->type)));
      TWINSOCK_FUZZ_ASSERT(twinsock::utf8::is_valid(twinsock::as_bytes(m->id)));
      TWINSOCK_FUZZ_ASSERT(m->id.find('\0') == std::string::npos);
    }
  }
}

Run parse(const std::vector<twinsock::bytes_view>& chunks, const ParserLimits& limits) {
  Parser parser(limits);
  Run run;
  for (auto chunk : chunks) {
    run.error = parser.feed(chunk, run.events);
    TWINSOCK_FUZZ_ASSERT(parser.buffered_line_size() <= limits.max_line_length);
    TWINSOCK_FUZZ_ASSERT(parser.buffered_data_size() <= limits.max_event_size + 1);
    if (run.error) break;
  }
  run.last_event_id = parser.last_event_id();
  parser.finish();
  TWINSOCK_FUZZ_ASSERT(parser.buffered_line_size() == 0 && parser.buffered_data_size() == 0);
  TWINSOCK_FUZZ_ASSERT(parser.last_event_id() == run.last_event_id);
  return run;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto input = twinsock::fuzz::make_chunked(data, size);
  ParserLimits limits;
  limits.max_line_length = kLineLimits[input.selector & 3];
  limits.max_event_size = kEventLimits[(input.selector >> 2) & 3];

  const Run chunked = parse(input.chunks, limits);
  check_events(chunked.events, limits);

  // The same bytes in one piece must give the same result.
  const twinsock::bytes_view whole = size > 0 ? twinsock::bytes_view(data + 1, size - 1) : twinsock::bytes_view();
  const Run once = parse({whole}, limits);
  TWINSOCK_FUZZ_ASSERT(once.events == chunked.events);
  TWINSOCK_FUZZ_ASSERT(once.error == chunked.error);
  TWINSOCK_FUZZ_ASSERT(once.last_event_id == chunked.last_event_id);
  return 0;
}
