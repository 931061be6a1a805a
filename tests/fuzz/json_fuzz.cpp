// libFuzzer target for the JSON reader (codec/json/parser.hpp), differential
// against nlohmann::json::parse. Properties: never crashes; nesting stays within
// the limit; what it accepts, nlohmann accepts, as the same value; what it
// refuses, nlohmann refuses too, except where the reader follows JSON.parse (no
// byte order mark; a NUL byte is not the end of the input); what it accepts,
// written back by write_json, reads back as the same value; check_json gives
// parse_json's verdict.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "codec/json/parser.hpp"
#include "codec/json/writer.hpp"
#include "fuzz/fuzz_support.hpp"

namespace {

using nlohmann::json;

std::size_t depth_of(const json& v) {
  std::size_t deepest = 0;
  if (v.is_structured())
    for (const json& item : v) deepest = std::max(deepest, depth_of(item));
  return v.is_structured() ? deepest + 1 : 0;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const std::size_t max_depth = size > 0 && (data[0] & 1) ? 4 : 100000;

  json mine;
  const auto result = twinsock::parse_json(text, mine, max_depth);
  if (result == twinsock::JsonParseError::none) TWINSOCK_FUZZ_ASSERT(depth_of(mine) <= max_depth);
  if (result != twinsock::JsonParseError::none) TWINSOCK_FUZZ_ASSERT(mine.is_null());
  TWINSOCK_FUZZ_ASSERT(twinsock::check_json(text, max_depth) == result);

  const json theirs = json::parse(text.begin(), text.end(), nullptr, false);
  const bool bom = text.substr(0, 3) == "\xEF\xBB\xBF";
  const bool nul = text.find('\0') != std::string_view::npos;  // nlohmann stops reading there
  if (result == twinsock::JsonParseError::none) {
    TWINSOCK_FUZZ_ASSERT(!theirs.is_discarded());
    TWINSOCK_FUZZ_ASSERT(mine == theirs);
    TWINSOCK_FUZZ_ASSERT(mine.type() == theirs.type());
    std::string written;
    twinsock::write_json(mine, written);
    json again;
    TWINSOCK_FUZZ_ASSERT(twinsock::parse_json(written, again, 100000) == twinsock::JsonParseError::none);
    TWINSOCK_FUZZ_ASSERT(again == mine);
  } else if (result == twinsock::JsonParseError::syntax) {
    TWINSOCK_FUZZ_ASSERT(theirs.is_discarded() || bom || nul);
  }
  return 0;
}
