// libFuzzer target for the JSON reader (codec/json/parser.hpp), differential
// against nlohmann::json::parse. Properties: never crashes; nesting stays within
// the limit; what it accepts, nlohmann accepts, as the same value; what it
// refuses, nlohmann refuses too, except where the reader follows JSON.parse (no
// byte order mark; a NUL byte is not the end of the input); a lone surrogate
// escape, which nlohmann refuses, reads as nlohmann reads "\ufffd"; what it accepts,
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
#include "util/ascii.hpp"

namespace {

using nlohmann::json;

std::size_t depth_of(const json& v) {
  std::size_t deepest = 0;
  if (v.is_structured())
    for (const json& item : v) deepest = std::max(deepest, depth_of(item));
  return v.is_structured() ? deepest + 1 : 0;
}

bool hex4_at(std::string_view t, std::size_t i, std::uint32_t& value) {
  if (i + 4 > t.size()) return false;
  value = 0;
  for (std::size_t k = 0; k < 4; ++k) {
    const int h = twinsock::ascii::hex_value(t[i + k]);
    if (h < 0) return false;
    value = value << 4 | static_cast<std::uint32_t>(h);
  }
  return true;
}

// The text with each lone surrogate escape written as \ufffd instead.
std::string mend_lone_surrogates(std::string_view t) {
  std::string out;
  bool in_string = false;
  for (std::size_t i = 0; i < t.size(); ++i) {
    const char c = t[i];
    if (c == '"') in_string = !in_string;
    if (!in_string || c != '\\' || i + 1 == t.size()) {
      out += c;
      continue;
    }
    std::uint32_t cp = 0;
    std::uint32_t low = 0;
    if (t[i + 1] == 'u' && hex4_at(t, i + 2, cp) && cp >= 0xD800 && cp <= 0xDFFF) {
      const bool paired = cp <= 0xDBFF && t.substr(i + 6, 2) == "\\u" && hex4_at(t, i + 8, low) && low >= 0xDC00 &&
                          low <= 0xDFFF;
      out.append(paired ? t.substr(i, 12) : std::string_view("\\ufffd"));
      i += paired ? 11 : 5;
      continue;
    }
    out.append(t.substr(i, 2));  // any other escape, kept whole
    ++i;
  }
  return out;
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

  const std::string mended = mend_lone_surrogates(text);
  const json theirs = json::parse(mended.begin(), mended.end(), nullptr, false);
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
