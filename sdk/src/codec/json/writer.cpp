#include "codec/json/writer.hpp"

#include <charconv>
#include <cmath>
#include <cstdint>

#include "util/number_text.hpp"

namespace twinsock {
namespace {

using nlohmann::json;

// Length of the well-formed UTF-8 sequence at the start of `s`, or 0 when it is
// ill-formed; then `*bad` is the length of its maximal subpart (>= 1), the bytes
// one U+FFFD replaces (Unicode §3.9, "U+FFFD Substitution of Maximal Subparts").
std::size_t utf8_sequence(std::string_view s, std::size_t* bad) {
  const auto b0 = static_cast<std::uint8_t>(s[0]);
  if (b0 < 0x80) return 1;
  std::size_t need = 0;
  std::uint8_t lo = 0x80, hi = 0xBF;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    need = 1;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    need = 2;
    if (b0 == 0xE0) lo = 0xA0;
    if (b0 == 0xED) hi = 0x9F;  // no surrogates
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    need = 3;
    if (b0 == 0xF0) lo = 0x90;
    if (b0 == 0xF4) hi = 0x8F;  // up to U+10FFFF
  } else {
    *bad = 1;
    return 0;
  }
  for (std::size_t k = 1; k <= need; ++k) {
    if (k >= s.size()) {
      *bad = k;
      return 0;
    }
    const auto b = static_cast<std::uint8_t>(s[k]);
    if (b < lo || b > hi) {
      *bad = k;
      return 0;
    }
    lo = 0x80;
    hi = 0xBF;
  }
  return need + 1;
}

// Printable ASCII other than the quote and the backslash.
constexpr bool needs_no_escape(unsigned char c) { return c >= 0x20 && c < 0x80 && c != '"' && c != '\\'; }

void write_string(std::string_view s, std::string& out) {
  static constexpr char hex[] = "0123456789abcdef";
  out += '"';
  std::size_t i = 0;
  while (i < s.size()) {
    // A run of characters that need no escaping goes in with one append.
    std::size_t run = i;
    while (run < s.size() && needs_no_escape(static_cast<unsigned char>(s[run]))) ++run;
    if (run > i) {
      out.append(s.data() + i, run - i);
      i = run;
      continue;
    }
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x80) {
      std::size_t bad = 0;
      const std::size_t n = utf8_sequence(s.substr(i), &bad);
      if (n == 0) {
        out += "\xEF\xBF\xBD";
        i += bad;
      } else {
        out.append(s.substr(i, n));
        i += n;
      }
      continue;
    }
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:  // the other control characters
        out += "\\u00";
        out += hex[c >> 4];
        out += hex[c & 0x0f];
    }
    ++i;
  }
  out += '"';
}

template <typename Int>
void write_integer(Int v, std::string& out) {
  char buf[24];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, r.ptr);
}

void write_value(const json& v, std::string& out, std::vector<bytes>* attachments) {
  switch (v.type()) {
    case json::value_t::null:
    case json::value_t::discarded:
      out += "null";
      return;
    case json::value_t::boolean:
      out += v.get<bool>() ? "true" : "false";
      return;
    case json::value_t::number_integer:
      write_integer(v.get<std::int64_t>(), out);
      return;
    case json::value_t::number_unsigned:
      write_integer(v.get<std::uint64_t>(), out);
      return;
    case json::value_t::number_float:
      append_js_number(v.get<double>(), out);
      return;
    case json::value_t::string:
      write_string(*v.get_ptr<const json::string_t*>(), out);
      return;
    case json::value_t::binary: {
      const json::binary_t& bin = *v.get_ptr<const json::binary_t*>();
      if (attachments) {
        out += "{\"_placeholder\":true,\"num\":";
        write_integer(attachments->size(), out);
        out += '}';
        attachments->emplace_back(bin.begin(), bin.end());
      } else {  // Node's Buffer#toJSON
        out += "{\"type\":\"Buffer\",\"data\":[";
        for (std::size_t i = 0; i < bin.size(); ++i) {
          if (i) out += ',';
          write_integer(static_cast<unsigned>(bin[i]), out);
        }
        out += "]}";
      }
      return;
    }
    case json::value_t::array: {
      out += '[';
      bool first = true;
      for (const json& item : *v.get_ptr<const json::array_t*>()) {
        if (!first) out += ',';
        first = false;
        write_value(item, out, attachments);
      }
      out += ']';
      return;
    }
    case json::value_t::object: {
      out += '{';
      bool first = true;
      for (const auto& [key, item] : *v.get_ptr<const json::object_t*>()) {
        if (!first) out += ',';
        first = false;
        write_string(key, out);
        out += ':';
        write_value(item, out, attachments);
      }
      out += '}';
      return;
    }
  }
}

}  // namespace

void write_json(const json& value, std::string& out, std::vector<bytes>* attachments) {
  write_value(value, out, attachments);
}

void write_json_string(std::string_view text, std::string& out) { write_string(text, out); }

void append_utf8_replacing(std::string_view text, std::string& out) {
  std::size_t i = 0;
  while (i < text.size()) {
    std::size_t bad = 0;
    const std::size_t n = utf8_sequence(text.substr(i), &bad);
    if (n == 0) {
      out += "\xEF\xBF\xBD";
      i += bad;
    } else {
      out.append(text.substr(i, n));
      i += n;
    }
  }
}

void append_js_number(double value, std::string& out) {
  if (!std::isfinite(value)) {
    out += "null";  // JSON.stringify(NaN) === "null"
    return;
  }
  number_text::append_ecmascript(value, out);
}

}  // namespace twinsock
