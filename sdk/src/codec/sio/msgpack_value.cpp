#include "codec/sio/msgpack_value.hpp"

#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>

#include "codec/json/writer.hpp"
#include "twinsock/error.hpp"
#include "util/utf8.hpp"

namespace twinsock::sio::msgpack {
namespace {

using nlohmann::json;

std::error_code err(errc e) noexcept { return make_error_code(e); }

// std::bit_cast is missing from Emscripten's libc++; memcpy is the portable equivalent.
template <typename To, typename From>
To bits_as(From from) noexcept {
  static_assert(sizeof(To) == sizeof(From));
  To to;
  std::memcpy(&to, &from, sizeof to);
  return to;
}

// ---- reading -----------------------------------------------------------------

// JSON.stringify(new Date(ms)): Date.prototype.toISOString (ECMA-262 §21.4.4.36),
// days to civil date after H. Hinnant's days_from_civil inverse.
json date_to_json(std::int64_t ms) {
  constexpr std::int64_t max_time = 8'640'000'000'000'000;  // §21.4.1.31 TimeClip
  if (ms > max_time || ms < -max_time) return nullptr;
  constexpr std::int64_t day_ms = 86'400'000;
  std::int64_t days = ms / day_ms, rest = ms % day_ms;
  if (rest < 0) {
    rest += day_ms;
    --days;
  }
  const std::int64_t z = days + 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const std::int64_t doe = z - era * 146097;
  const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const std::int64_t mp = (5 * doy + 2) / 153;
  const std::int64_t d = doy - (153 * mp + 2) / 5 + 1;
  const std::int64_t m = mp < 10 ? mp + 3 : mp - 9;
  const std::int64_t y = yoe + era * 400 + (m <= 2 ? 1 : 0);

  auto digits = [](std::string& s, std::int64_t v, int width) {
    std::string t = std::to_string(v);
    if (static_cast<int>(t.size()) < width) s.append(static_cast<std::size_t>(width) - t.size(), '0');
    s += t;
  };
  std::string s;
  if (y >= 0 && y <= 9999) {
    digits(s, y, 4);
  } else {  // expanded years: ±YYYYYY
    s += y < 0 ? '-' : '+';
    digits(s, y < 0 ? -y : y, 6);
  }
  s += '-';
  digits(s, m, 2);
  s += '-';
  digits(s, d, 2);
  s += 'T';
  digits(s, rest / 3'600'000, 2);
  s += ':';
  digits(s, rest / 60'000 % 60, 2);
  s += ':';
  digits(s, rest / 1000 % 60, 2);
  s += '.';
  digits(s, rest % 1000, 3);
  s += 'Z';
  return s;
}

class Reader {
 public:
  Reader(bytes_view in, const ReadLimits& limits) : in_(in), limits_(limits) {}

  // Reads one value; an `undefined` comes back as a discarded json.
  std::error_code value(json& out, std::size_t depth) {
    std::uint8_t b = 0;
    if (!byte(b)) return err(errc::msgpack_truncated);
    if (b <= 0x7f) {
      out = static_cast<std::uint64_t>(b);
      return {};
    }
    if (b >= 0xe0) {
      out = static_cast<std::int64_t>(static_cast<std::int8_t>(b));
      return {};
    }
    if (b >= 0x80 && b <= 0x8f) return map(b & 0x0f, out, depth);
    if (b >= 0x90 && b <= 0x9f) return array(b & 0x0f, out, depth);
    if (b >= 0xa0 && b <= 0xbf) return str(b & 0x1f, out);
    std::uint64_t n = 0;
    switch (b) {
      case 0xc0: out = nullptr; return {};
      case 0xc2: out = false; return {};
      case 0xc3: out = true; return {};
      case 0xc4: case 0xc5: case 0xc6:
        if (!uint(1u << (b - 0xc4), n)) return err(errc::msgpack_truncated);
        return bin(n, out);
      case 0xc7: case 0xc8: case 0xc9:
        if (!uint(1u << (b - 0xc7), n)) return err(errc::msgpack_truncated);
        return ext(n, out, depth);
      case 0xca: {
        if (!uint(4, n)) return err(errc::msgpack_truncated);
        out = static_cast<double>(bits_as<float>(static_cast<std::uint32_t>(n)));
        return {};
      }
      case 0xcb:
        if (!uint(8, n)) return err(errc::msgpack_truncated);
        out = bits_as<double>(n);
        return {};
      case 0xcc: case 0xcd: case 0xce: case 0xcf:
        if (!uint(1u << (b - 0xcc), n)) return err(errc::msgpack_truncated);
        out = n;
        return {};
      case 0xd0: case 0xd1: case 0xd2: case 0xd3: {
        const unsigned size = 1u << (b - 0xd0);
        if (!uint(size, n)) return err(errc::msgpack_truncated);
        const std::int64_t v = sign_extend(n, size);
        if (v >= 0) {
          out = static_cast<std::uint64_t>(v);
        } else {
          out = v;
        }
        return {};
      }
      case 0xd4: case 0xd5: case 0xd6: case 0xd7: case 0xd8:
        return ext(1u << (b - 0xd4), out, depth, true);
      case 0xd9: case 0xda: case 0xdb:
        if (!uint(1u << (b - 0xd9), n)) return err(errc::msgpack_truncated);
        return str(n, out);
      case 0xdc: case 0xdd:
        if (!uint(b == 0xdc ? 2 : 4, n)) return err(errc::msgpack_truncated);
        return array(n, out, depth);
      case 0xde: case 0xdf:
        if (!uint(b == 0xde ? 2 : 4, n)) return err(errc::msgpack_truncated);
        return map(n, out, depth);
      default:  // 0xc1: never used
        return err(errc::msgpack_bad_format);
    }
  }

  bool at_end() const noexcept { return in_.empty(); }

 private:
  static std::int64_t sign_extend(std::uint64_t v, unsigned size) noexcept {
    const unsigned shift = 64 - 8 * size;
    return static_cast<std::int64_t>(v << shift) >> shift;
  }

  bool byte(std::uint8_t& b) noexcept {
    if (in_.empty()) return false;
    b = in_[0];
    in_ = in_.subspan(1);
    return true;
  }

  bool uint(unsigned size, std::uint64_t& v) noexcept {  // big-endian
    if (in_.size() < size) return false;
    v = 0;
    for (unsigned i = 0; i < size; ++i) v = v << 8 | in_[i];
    in_ = in_.subspan(size);
    return true;
  }

  bool take(std::uint64_t n, bytes_view& out) noexcept {
    if (n > in_.size()) return false;
    out = in_.first(static_cast<std::size_t>(n));
    in_ = in_.subspan(static_cast<std::size_t>(n));
    return true;
  }

  std::error_code str(std::uint64_t n, json& out) {
    bytes_view s;
    if (!take(n, s)) return err(errc::msgpack_truncated);
    // Ill-formed UTF-8 reads with U+FFFD in place, as notepack's decoder reads it:
    // refusing it would make the whole packet, and the connection, unreadable.
    if (utf8::is_valid(s)) {
      out = std::string(as_text(s));
    } else {
      std::string fixed;
      append_utf8_replacing(as_text(s), fixed);
      out = std::move(fixed);
    }
    return {};
  }

  std::error_code bin(std::uint64_t n, json& out) {
    bytes_view s;
    if (!take(n, s)) return err(errc::msgpack_truncated);
    if (++binaries_ > limits_.max_binaries) return err(errc::sio_too_many_attachments);
    out = json::binary(bytes(s.begin(), s.end()));
    return {};
  }

  // ext 8/16/32 (size read by the caller) or fixext (fixed = true, size known).
  std::error_code ext(std::uint64_t size, json& out, std::size_t depth, bool fixed = false) {
    std::uint8_t type_byte = 0;
    if (!byte(type_byte)) return err(errc::msgpack_truncated);
    const auto type = static_cast<std::int8_t>(type_byte);
    if (type == 0 && fixed && size == 1) {  // notepack: undefined
      bytes_view ignored;
      if (!take(1, ignored)) return err(errc::msgpack_truncated);
      out = json(json::value_t::discarded);
      return {};
    }
    if (type == 0 && fixed && size == 8) {  // notepack: Date
      std::uint64_t ms = 0;
      if (!uint(8, ms)) return err(errc::msgpack_truncated);
      out = date_to_json(static_cast<std::int64_t>(ms));
      return {};
    }
    if (type == 0 && !fixed) return bin(size, out);  // notepack: ArrayBuffer
    bytes_view payload;
    if (!take(size, payload)) return err(errc::msgpack_truncated);
    // notepack: [type, Buffer]
    if (depth + 1 > limits_.max_depth) return err(errc::msgpack_too_deep);
    if (++binaries_ > limits_.max_binaries) return err(errc::sio_too_many_attachments);
    json tag = type >= 0 ? json(static_cast<std::uint64_t>(type)) : json(static_cast<std::int64_t>(type));
    out = json::array();
    out.get_ptr<json::array_t*>()->push_back(std::move(tag));
    out.get_ptr<json::array_t*>()->push_back(json::binary(bytes(payload.begin(), payload.end())));
    return {};
  }

  std::error_code array(std::uint64_t n, json& out, std::size_t depth) {
    if (depth + 1 > limits_.max_depth) return err(errc::msgpack_too_deep);
    if (n > in_.size()) return err(errc::msgpack_truncated);  // each element takes a byte at least
    out = json::array();
    auto& items = *out.get_ptr<json::array_t*>();
    for (std::uint64_t i = 0; i < n; ++i) {
      json item;
      if (auto ec = value(item, depth + 1)) return ec;
      if (item.is_discarded()) item = nullptr;  // JSON.stringify([undefined]) === "[null]"
      items.push_back(std::move(item));
    }
    return {};
  }

  std::error_code map(std::uint64_t n, json& out, std::size_t depth) {
    if (depth + 1 > limits_.max_depth) return err(errc::msgpack_too_deep);
    if (n > in_.size() / 2) return err(errc::msgpack_truncated);  // a key and a value, a byte each at least
    out = json::object();
    auto& members = *out.get_ptr<json::object_t*>();
    for (std::uint64_t i = 0; i < n; ++i) {
      json key;
      if (!is_str_prefix()) return in_.empty() ? err(errc::msgpack_truncated) : err(errc::msgpack_bad_format);
      if (auto ec = value(key, depth + 1)) return ec;
      json item;
      if (auto ec = value(item, depth + 1)) return ec;
      std::string name = std::move(*key.get_ptr<json::string_t*>());
      if (item.is_discarded()) {
        members.erase(name);  // JSON.stringify drops undefined members
      } else {
        members[std::move(name)] = std::move(item);
      }
    }
    return {};
  }

  bool is_str_prefix() const noexcept {
    if (in_.empty()) return false;
    const std::uint8_t b = in_[0];
    return (b >= 0xa0 && b <= 0xbf) || b == 0xd9 || b == 0xda || b == 0xdb;
  }

  bytes_view in_;
  const ReadLimits& limits_;
  std::size_t binaries_ = 0;
};

// ---- writing -----------------------------------------------------------------

void put_be(bytes& out, std::uint64_t v, unsigned size) {
  for (unsigned i = size; i-- > 0;) out.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}

void put_length(bytes& out, std::uint64_t n, std::uint8_t fix_base, std::uint64_t fix_limit, std::uint8_t b8,
                std::uint8_t b16, std::uint8_t b32) {
  if (n < fix_limit) {
    out.push_back(static_cast<std::uint8_t>(fix_base | n));
  } else if (b8 && n < 0x100) {
    out.push_back(b8);
    put_be(out, n, 1);
  } else if (n < 0x10000) {
    out.push_back(b16);
    put_be(out, n, 2);
  } else {
    out.push_back(b32);
    put_be(out, n, 4);
  }
}

void write_unsigned(bytes& out, std::uint64_t v) {
  if (v < 0x80) {
    out.push_back(static_cast<std::uint8_t>(v));
  } else if (v < 0x100) {
    out.push_back(0xcc);
    put_be(out, v, 1);
  } else if (v < 0x10000) {
    out.push_back(0xcd);
    put_be(out, v, 2);
  } else if (v < 0x100000000) {
    out.push_back(0xce);
    put_be(out, v, 4);
  } else {
    out.push_back(0xcf);
    put_be(out, v, 8);
  }
}

void write_signed(bytes& out, std::int64_t v) {
  if (v >= 0) return write_unsigned(out, static_cast<std::uint64_t>(v));
  const auto u = static_cast<std::uint64_t>(v);
  if (v >= -0x20) {
    out.push_back(static_cast<std::uint8_t>(u));
  } else if (v >= -0x80) {
    out.push_back(0xd0);
    put_be(out, u, 1);
  } else if (v >= -0x8000) {
    out.push_back(0xd1);
    put_be(out, u, 2);
  } else if (v >= -0x80000000ll) {
    out.push_back(0xd2);
    put_be(out, u, 4);
  } else {
    out.push_back(0xd3);
    put_be(out, u, 8);
  }
}

void write_double(bytes& out, double d) {
  // notepack: `Math.floor(value) !== value || !isFinite(value)` -> float 64, else an integer.
  if (std::isfinite(d) && std::floor(d) == d) {
    if (d >= 0 && d < 18446744073709551616.0) return write_unsigned(out, static_cast<std::uint64_t>(d));
    if (d < 0 && d >= -9223372036854775808.0) return write_signed(out, static_cast<std::int64_t>(d));
  }
  out.push_back(0xcb);
  put_be(out, bits_as<std::uint64_t>(d), 8);
}

void write_string(bytes& out, std::string_view s) {
  std::string fixed;
  if (!utf8::is_valid(as_bytes(s))) {
    append_utf8_replacing(s, fixed);
    s = fixed;
  }
  put_length(out, s.size(), 0xa0, 0x20, 0xd9, 0xda, 0xdb);
  out.insert(out.end(), s.begin(), s.end());
}

void write_value(const json& v, bytes& out) {
  switch (v.type()) {
    case json::value_t::null:
      out.push_back(0xc0);
      return;
    case json::value_t::discarded:  // notepack's undefined: fixext 1, type 0
      out.insert(out.end(), {0xd4, 0x00, 0x00});
      return;
    case json::value_t::boolean:
      out.push_back(v.get<bool>() ? 0xc3 : 0xc2);
      return;
    case json::value_t::number_integer:
      write_signed(out, v.get<std::int64_t>());
      return;
    case json::value_t::number_unsigned:
      write_unsigned(out, v.get<std::uint64_t>());
      return;
    case json::value_t::number_float:
      write_double(out, v.get<double>());
      return;
    case json::value_t::string:
      write_string(out, *v.get_ptr<const json::string_t*>());
      return;
    case json::value_t::binary: {
      const auto& bin = *v.get_ptr<const json::binary_t*>();
      put_length(out, bin.size(), 0, 0, 0xc4, 0xc5, 0xc6);
      out.insert(out.end(), bin.begin(), bin.end());
      return;
    }
    case json::value_t::array: {
      const auto& items = *v.get_ptr<const json::array_t*>();
      put_length(out, items.size(), 0x90, 0x10, 0, 0xdc, 0xdd);
      for (const json& item : items) write_value(item, out);
      return;
    }
    case json::value_t::object: {
      const auto& members = *v.get_ptr<const json::object_t*>();
      put_length(out, members.size(), 0x80, 0x10, 0, 0xde, 0xdf);
      for (const auto& [key, item] : members) {
        write_string(out, key);
        write_value(item, out);
      }
      return;
    }
  }
}

}  // namespace

std::error_code read(bytes_view in, json& out, const ReadLimits& limits) {
  Reader reader(in, limits);
  json value;
  if (auto ec = reader.value(value, 0)) return ec;
  if (!reader.at_end()) return err(errc::msgpack_trailing_bytes);
  out = std::move(value);
  return {};
}

void write(const json& value, bytes& out) { write_value(value, out); }

}  // namespace twinsock::sio::msgpack
