// libFuzzer target for the JSON reader (codec/json/parser.hpp), differential
// against nlohmann::json::parse. Properties: never crashes; nesting stays within
// the limit; it accepts what nlohmann accepts and builds the same value, except
// where the reader deliberately follows JSON.parse (numbers beyond the double
// range read as infinity; no byte order mark); what it accepts, written back by
// write_json, reads back as the same value.
#include <cmath>
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

bool has_non_finite(const json& v) {
  if (v.is_number_float()) return !std::isfinite(v.get<double>());
  if (v.is_structured())
    for (const json& item : v)
      if (has_non_finite(item)) return true;
  return false;
}

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

  const json theirs = json::parse(text.begin(), text.end(), nullptr, false);
  const bool bom = text.substr(0, 3) == "\xEF\xBB\xBF";
  if (result == twinsock::JsonParseError::none) {
    if (!theirs.is_discarded()) {
      TWINSOCK_FUZZ_ASSERT(mine == theirs);
      TWINSOCK_FUZZ_ASSERT(mine.type() == theirs.type());
    } else {
      TWINSOCK_FUZZ_ASSERT(has_non_finite(mine));  // nlohmann refuses overflowing numbers
    }
    if (!has_non_finite(mine)) {
      std::string written;
      twinsock::write_json(mine, written);
      json again;
      TWINSOCK_FUZZ_ASSERT(twinsock::parse_json(written, again, 100000) == twinsock::JsonParseError::none);
      TWINSOCK_FUZZ_ASSERT(again == mine);
    }
  } else if (result == twinsock::JsonParseError::syntax) {
    TWINSOCK_FUZZ_ASSERT(theirs.is_discarded() || bom);
  }
  return 0;
}
