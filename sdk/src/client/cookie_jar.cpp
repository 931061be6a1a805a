#include "twinsock/eio/cookie_jar.hpp"

#include <algorithm>
#include <cstdint>

#include "codec/http/message.hpp"
#include "codec/http/syntax.hpp"

namespace twinsock::eio {
namespace {

using http::iequals;

char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::string lowercase(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = lower(c);
  return out;
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// The longest a cookie lives (RFC 6265bis §5.6.1, §5.6.2: 400 days at most).
constexpr std::chrono::seconds kMaxLifetime{400LL * 86400};

// RFC 6265 §5.1.1 delimiter.
bool is_delimiter(char c) {
  const auto u = static_cast<unsigned char>(c);
  return u == 0x09 || (u >= 0x20 && u <= 0x2f) || (u >= 0x3b && u <= 0x40) || (u >= 0x5b && u <= 0x60) ||
         (u >= 0x7b && u <= 0x7e);
}

// 1*max DIGIT at the front of `token`; the count read, 0 when none or too many.
std::size_t read_digits(std::string_view token, std::size_t min, std::size_t max, int& value) {
  std::size_t n = 0;
  value = 0;
  while (n < token.size() && is_digit(token[n])) {
    if (n == max) return 0;
    value = value * 10 + (token[n] - '0');
    ++n;
  }
  return n >= min ? n : 0;
}

bool parse_time(std::string_view token, int& h, int& m, int& s) {
  std::size_t n = read_digits(token, 1, 2, h);
  if (n == 0 || n >= token.size() || token[n] != ':') return false;
  token.remove_prefix(n + 1);
  n = read_digits(token, 1, 2, m);
  if (n == 0 || n >= token.size() || token[n] != ':') return false;
  token.remove_prefix(n + 1);
  n = read_digits(token, 1, 2, s);
  return n != 0 && (n == token.size() || !is_digit(token[n]));
}

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

// default-path (RFC 6265 §5.1.4): the request path up to, not including, its last '/'.
std::string default_path(std::string_view request_path) {
  const std::size_t q = request_path.find('?');
  if (q != std::string_view::npos) request_path = request_path.substr(0, q);
  if (request_path.empty() || request_path.front() != '/') return "/";
  const std::size_t last = request_path.rfind('/');
  if (last == 0) return "/";
  return std::string(request_path.substr(0, last));
}

// path-match (RFC 6265 §5.1.4).
bool path_matches(std::string_view request_path, std::string_view cookie_path) {
  const std::size_t q = request_path.find('?');
  if (q != std::string_view::npos) request_path = request_path.substr(0, q);
  if (request_path.empty()) request_path = "/";
  if (request_path == cookie_path) return true;
  if (request_path.substr(0, cookie_path.size()) != cookie_path) return false;
  return cookie_path.back() == '/' || request_path[cookie_path.size()] == '/';
}

}  // namespace

std::optional<WallClock::time_point> parse_cookie_date(std::string_view text) {
  static constexpr std::string_view kMonths[] = {"jan", "feb", "mar", "apr", "may", "jun",
                                                 "jul", "aug", "sep", "oct", "nov", "dec"};
  bool found_time = false, found_day = false, found_month = false, found_year = false;
  int hour = 0, minute = 0, second = 0, day = 0, month = 0, year = 0;
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && is_delimiter(text[i])) ++i;
    std::size_t end = i;
    while (end < text.size() && !is_delimiter(text[end])) ++end;
    const std::string_view token = text.substr(i, end - i);
    i = end;
    if (token.empty()) continue;
    int value = 0;
    if (!found_time && parse_time(token, hour, minute, second)) {
      found_time = true;
    } else if (!found_day && read_digits(token, 1, 2, value) != 0) {
      found_day = true;
      day = value;
    } else if (!found_month && token.size() >= 3 &&
               std::find(std::begin(kMonths), std::end(kMonths), lowercase(token.substr(0, 3))) != std::end(kMonths)) {
      found_month = true;
      month = static_cast<int>(std::find(std::begin(kMonths), std::end(kMonths), lowercase(token.substr(0, 3))) -
                               std::begin(kMonths)) + 1;
    } else if (!found_year && read_digits(token, 2, 4, value) != 0) {
      found_year = true;
      year = value;
    }
  }
  if (!found_time || !found_day || !found_month || !found_year) return std::nullopt;
  if (year >= 70 && year <= 99) year += 1900;
  else if (year >= 0 && year <= 69) year += 2000;
  if (day < 1 || day > 31 || year < 1601 || hour > 23 || minute > 59 || second > 59) return std::nullopt;
  const std::int64_t days = days_from_civil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
  const std::int64_t seconds = days * 86400 + hour * 3600 + minute * 60 + second;
  // Outside what the clock holds (1677 to 2262 with nanoseconds): its first or last instant.
  using std::chrono::duration_cast;
  if (seconds >= duration_cast<std::chrono::seconds>(WallClock::duration::max()).count())
    return WallClock::time_point::max();
  if (seconds <= duration_cast<std::chrono::seconds>(WallClock::duration::min()).count())
    return WallClock::time_point::min();
  return WallClock::time_point(duration_cast<WallClock::duration>(std::chrono::seconds(seconds)));
}

void CookieJar::set_cookie(std::string_view host, std::string_view request_path, std::string_view line,
                           WallClock::time_point now) {
  // A line with a control character other than HTAB is ignored whole (RFC 6265bis
  // §5.7 step 1), so none can reach a Cookie header.
  const auto field_value_char = [](char c) { return http::is_field_value_char(static_cast<unsigned char>(c)); };
  if (!std::all_of(line.begin(), line.end(), field_value_char)) return;
  // RFC 6265 §5.2: name=value, then ';'-separated attributes.
  const std::size_t semi = line.find(';');
  const std::string_view pair = line.substr(0, semi);
  const std::size_t eq = pair.find('=');
  if (eq == std::string_view::npos) return;
  Cookie cookie;
  cookie.host = lowercase(host);
  cookie.name = std::string(trim(pair.substr(0, eq)));
  cookie.value = std::string(trim(pair.substr(eq + 1)));
  if (cookie.name.empty()) return;
  cookie.path = default_path(request_path);
  bool has_max_age = false;
  std::string_view attributes = semi == std::string_view::npos ? std::string_view() : line.substr(semi + 1);
  while (!attributes.empty()) {
    const std::size_t next = attributes.find(';');
    const std::string_view attribute = attributes.substr(0, next);
    attributes = next == std::string_view::npos ? std::string_view() : attributes.substr(next + 1);
    const std::size_t aeq = attribute.find('=');
    const std::string_view key = trim(attribute.substr(0, aeq));
    const std::string_view value = aeq == std::string_view::npos ? std::string_view() : trim(attribute.substr(aeq + 1));
    if (iequals(key, "path")) {
      cookie.path = (!value.empty() && value.front() == '/') ? std::string(value) : default_path(request_path);
    } else if (iequals(key, "max-age")) {
      // §5.2.2: an optional '-' then digits; <= 0 means "expired now". Max-Age wins over Expires.
      std::string_view digits = value;
      const bool negative = !digits.empty() && digits.front() == '-';
      if (negative) digits.remove_prefix(1);
      if (digits.empty() || !std::all_of(digits.begin(), digits.end(), is_digit)) continue;
      std::int64_t seconds = 0;
      for (char c : digits) seconds = std::min<std::int64_t>(seconds * 10 + (c - '0'), kMaxLifetime.count());
      has_max_age = true;
      cookie.expires = (negative || seconds == 0) ? WallClock::time_point::min() : now + std::chrono::seconds(seconds);
    } else if (iequals(key, "expires")) {
      if (has_max_age) continue;
      if (auto when = parse_cookie_date(value)) cookie.expires = std::min(*when, now + kMaxLifetime);
    } else if (iequals(key, "secure")) {
      cookie.secure = true;
    }
  }
  auto same = std::find_if(cookies_.begin(), cookies_.end(), [&](const Cookie& c) {
    return c.host == cookie.host && c.name == cookie.name && c.path == cookie.path;
  });
  if (same != cookies_.end()) cookies_.erase(same);
  if (cookie.expires && *cookie.expires <= now) return;  // expired: a deletion
  if (cookies_.size() >= kMaxCookies) {  // RFC 6265 §5.3 step 12: expired cookies go first
    std::erase_if(cookies_, [now](const Cookie& c) { return c.expires && *c.expires <= now; });
    if (cookies_.size() >= kMaxCookies) cookies_.erase(cookies_.begin());
  }
  cookies_.push_back(std::move(cookie));
}

void CookieJar::store(std::string_view host, std::string_view request_path, const Headers& response_headers,
                      WallClock::time_point now) {
  for (const auto& h : response_headers)
    if (iequals(h.name, "set-cookie")) set_cookie(host, request_path, h.value, now);
}

std::string CookieJar::header_for(std::string_view host, std::string_view path, bool secure,
                                  WallClock::time_point now) const {
  const std::string lhost = lowercase(host);
  std::vector<const Cookie*> matching;
  for (const auto& c : cookies_) {
    if (c.host != lhost || (c.secure && !secure) || (c.expires && *c.expires <= now)) continue;
    if (!path_matches(path, c.path)) continue;
    matching.push_back(&c);
  }
  // Longer paths first, in storage order otherwise: an insertion sort, stable and
  // small (the jar is bounded; std::stable_sort weighed 3 KB in the browser build).
  for (std::size_t i = 1; i < matching.size(); ++i) {
    const Cookie* c = matching[i];
    std::size_t j = i;
    for (; j > 0 && matching[j - 1]->path.size() < c->path.size(); --j) matching[j] = matching[j - 1];
    matching[j] = c;
  }
  std::string out;
  for (const Cookie* c : matching) {
    if (!out.empty()) out += "; ";
    out += c->name;
    out += '=';
    out += c->value;
  }
  return out;
}

}  // namespace twinsock::eio
