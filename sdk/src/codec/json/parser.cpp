#include "codec/json/parser.hpp"

#include <cmath>
#include <cstdint>
#include <string>
#include <utility>

#include "util/ascii.hpp"
#include "util/number_text.hpp"
#include "util/utf8.hpp"

namespace twinsock {
namespace {

using ascii::hex_value;
using ascii::is_digit;

using nlohmann::json;

constexpr std::uint32_t kReplacementCharacter = 0xFFFD;

void append_utf8(std::uint32_t cp, std::string& out) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// Builds the value into `out`, or with a null `out` only checks the text: the
// same rules either way, one reader.
class Reader {
 public:
  Reader(std::string_view text, std::size_t max_depth) : s_(text), max_depth_(max_depth) {}

  JsonParseError document(json* out) {
    skip_space();
    if (!value(out, 0)) return error_;
    skip_space();
    if (i_ != s_.size()) return JsonParseError::syntax;
    return JsonParseError::none;
  }

 private:
  bool fail(JsonParseError e = JsonParseError::syntax) {
    error_ = e;
    return false;
  }

  void skip_space() noexcept {
    while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\t' || s_[i_] == '\n' || s_[i_] == '\r')) ++i_;
  }

  bool literal(std::string_view word) noexcept {
    if (s_.substr(i_, word.size()) != word) return false;
    i_ += word.size();
    return true;
  }

  bool value(json* out, std::size_t depth) {
    if (i_ == s_.size()) return fail();
    switch (s_[i_]) {
      case '{':
        return object(out, depth + 1);
      case '[':
        return array(out, depth + 1);
      case '"': {
        if (!out) return string(nullptr);
        std::string text;
        if (!string(&text)) return false;
        *out = std::move(text);
        return true;
      }
      case 't':
        if (out) *out = true;
        return literal("true") || fail();
      case 'f':
        if (out) *out = false;
        return literal("false") || fail();
      case 'n':
        if (out) *out = nullptr;
        return literal("null") || fail();
      default:
        return number(out);
    }
  }

  bool array(json* out, std::size_t depth) {
    if (depth > max_depth_) return fail(JsonParseError::too_deep);
    ++i_;  // '['
    json::array_t* items = nullptr;
    if (out) {
      *out = json::array();
      items = out->get_ptr<json::array_t*>();
    }
    skip_space();
    if (i_ < s_.size() && s_[i_] == ']') {
      ++i_;
      return true;
    }
    for (;;) {
      skip_space();
      if (items) items->emplace_back();
      if (!value(items ? &items->back() : nullptr, depth)) return false;
      skip_space();
      if (i_ == s_.size()) return fail();
      if (s_[i_] == ']') {
        ++i_;
        return true;
      }
      if (s_[i_++] != ',') return fail();
    }
  }

  bool object(json* out, std::size_t depth) {
    if (depth > max_depth_) return fail(JsonParseError::too_deep);
    ++i_;  // '{'
    json::object_t* members = nullptr;
    if (out) {
      *out = json::object();
      members = out->get_ptr<json::object_t*>();
    }
    skip_space();
    if (i_ < s_.size() && s_[i_] == '}') {
      ++i_;
      return true;
    }
    for (;;) {
      skip_space();
      if (i_ == s_.size() || s_[i_] != '"') return fail();
      std::string key;
      if (!string(members ? &key : nullptr)) return false;
      skip_space();
      if (i_ == s_.size() || s_[i_++] != ':') return fail();
      skip_space();
      json item;
      if (!value(members ? &item : nullptr, depth)) return false;
      if (members) (*members)[std::move(key)] = std::move(item);  // the last duplicate wins
      skip_space();
      if (i_ == s_.size()) return fail();
      if (s_[i_] == '}') {
        ++i_;
        return true;
      }
      if (s_[i_++] != ',') return fail();
    }
  }

  // Four hex digits after "\u".
  bool hex4(std::uint32_t& out) noexcept {
    if (s_.size() - i_ < 4) return false;
    out = 0;
    for (int k = 0; k < 4; ++k) {
      const int h = hex_value(s_[i_++]);
      if (h < 0) return false;
      out = out << 4 | static_cast<std::uint32_t>(h);
    }
    return true;
  }

  bool escape(std::string* out) {
    if (i_ == s_.size()) return fail();
    const char c = s_[i_++];
    char decoded = 0;
    switch (c) {
      case '"': decoded = '"'; break;
      case '\\': decoded = '\\'; break;
      case '/': decoded = '/'; break;
      case 'b': decoded = '\b'; break;
      case 'f': decoded = '\f'; break;
      case 'n': decoded = '\n'; break;
      case 'r': decoded = '\r'; break;
      case 't': decoded = '\t'; break;
      case 'u': break;
      default: return fail();
    }
    if (decoded) {
      if (out) *out += decoded;
      return true;
    }
    std::uint32_t cp = 0;
    if (!hex4(cp)) return fail();
    // A surrogate escape without its other half (JSON.stringify writes one for a
    // JavaScript string cut inside a pair) has no UTF-8 form: it reads as U+FFFD, as
    // TextEncoder writes it, so that one such string cannot make a packet unreadable.
    if (cp >= 0xDC00 && cp <= 0xDFFF) {
      cp = kReplacementCharacter;
    } else if (cp >= 0xD800 && cp <= 0xDBFF) {
      const std::size_t after_high = i_;
      std::uint32_t low = 0;
      if (literal("\\u") && hex4(low) && low >= 0xDC00 && low <= 0xDFFF) {
        cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
      } else {
        i_ = after_high;  // whatever follows is read on its own
        cp = kReplacementCharacter;
      }
    }
    if (out) append_utf8(cp, *out);
    return true;
  }

  bool string(std::string* out) {
    ++i_;  // '"'
    std::size_t run = i_;  // start of the bytes copied as they are
    for (;;) {
      if (i_ == s_.size()) return fail();
      const auto c = static_cast<unsigned char>(s_[i_]);
      if (c == '"' || c == '\\') {
        const std::string_view raw = s_.substr(run, i_ - run);
        if (!utf8::is_valid(as_bytes(raw))) return fail();
        if (out) out->append(raw);
        ++i_;
        if (c == '"') return true;
        if (!escape(out)) return false;
        run = i_;
      } else if (c < 0x20) {
        return fail();  // control characters must be escaped
      } else {
        ++i_;
      }
    }
  }

  // -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
  bool number(json* out) {
    const std::size_t start = i_;
    const bool negative = s_[i_] == '-';
    if (negative) ++i_;
    if (i_ == s_.size() || !is_digit(s_[i_])) return fail();
    if (s_[i_] == '0') {
      ++i_;
    } else {
      while (i_ < s_.size() && is_digit(s_[i_])) ++i_;
    }
    bool integer = true;
    if (i_ < s_.size() && s_[i_] == '.') {
      integer = false;
      ++i_;
      if (i_ == s_.size() || !is_digit(s_[i_])) return fail();
      while (i_ < s_.size() && is_digit(s_[i_])) ++i_;
    }
    if (i_ < s_.size() && (s_[i_] == 'e' || s_[i_] == 'E')) {
      integer = false;
      ++i_;
      if (i_ < s_.size() && (s_[i_] == '+' || s_[i_] == '-')) ++i_;
      if (i_ == s_.size() || !is_digit(s_[i_])) return fail();
      while (i_ < s_.size() && is_digit(s_[i_])) ++i_;
    }
    const std::string_view token = s_.substr(start, i_ - start);
    json scratch;  // checking only: the value is still read, for the same verdict
    if (integer && integer_value(token, negative, out ? *out : scratch)) return true;
    const double value = number_text::parse_double(token);
    if (!std::isfinite(value)) return fail();  // JSON text cannot carry it back (it would be written as null)
    if (out) *out = value;
    return true;
  }

  // Exact when it fits 64 bits (unsigned, or signed when negative).
  static bool integer_value(std::string_view token, bool negative, json& out) noexcept {
    std::uint64_t magnitude = 0;
    for (const char c : token.substr(negative ? 1 : 0)) {
      const auto d = static_cast<std::uint64_t>(c - '0');
      if (magnitude > (UINT64_MAX - d) / 10) return false;
      magnitude = magnitude * 10 + d;
    }
    if (!negative) {
      out = magnitude;
      return true;
    }
    if (magnitude > static_cast<std::uint64_t>(INT64_MAX) + 1) return false;
    out = magnitude == 0 ? std::int64_t{0} : static_cast<std::int64_t>(0 - magnitude);
    return true;
  }

  std::string_view s_;
  std::size_t i_ = 0;
  std::size_t max_depth_;
  JsonParseError error_ = JsonParseError::syntax;
};

}  // namespace

JsonParseError parse_json(std::string_view text, nlohmann::json& out, std::size_t max_depth) {
  json value;
  const JsonParseError e = Reader(text, max_depth).document(&value);
  out = e == JsonParseError::none ? std::move(value) : json();
  return e;
}

JsonParseError check_json(std::string_view text, std::size_t max_depth) {
  return Reader(text, max_depth).document(nullptr);
}

}  // namespace twinsock
