#include "options.hpp"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "codec/url/url.hpp"

namespace twinsock::cli {

bool ArgReader::value(const std::string& arg, const std::string& name, std::string& out, std::string& error) {
  if (arg.size() > name.size() && arg.compare(0, name.size(), name) == 0 && arg[name.size()] == '=') {
    out = arg.substr(name.size() + 1);
    return true;
  }
  if (done()) {
    error = "option " + name + " needs a value";
    return false;
  }
  out = next();
  return true;
}

bool parse_header(const std::string& text, Header& out) {
  const std::size_t colon = text.find(':');
  if (colon == std::string::npos || colon == 0) return false;
  out.name = text.substr(0, colon);
  std::size_t start = colon + 1;
  while (start < text.size() && (text[start] == ' ' || text[start] == '\t')) ++start;
  out.value = text.substr(start);
  return true;
}

bool parse_number(const std::string& text, double& out) {
  if (text.empty()) return false;
  char* end = nullptr;
  errno = 0;
  out = std::strtod(text.c_str(), &end);
  return errno == 0 && end && *end == '\0' && std::isfinite(out) && out >= 0;
}

bool parse_count(const std::string& text, long& out) {
  if (text.empty() || text.find_first_not_of("0123456789") != std::string::npos || text.size() > 12) return false;
  out = std::strtol(text.c_str(), nullptr, 10);
  return true;
}

bool is_option(const std::string& arg, const char* name) {
  const std::string n(name);
  return arg == n || (arg.size() > n.size() && arg.compare(0, n.size(), n) == 0 && arg[n.size()] == '=');
}

bool parse_common(ArgReader& args, const std::string& arg, CommonOptions& out, std::string& error) {
  std::string v;
  if (is_option(arg, "-H") || is_option(arg, "--header")) {
    if (!args.value(arg, arg.rfind("--header", 0) == 0 ? "--header" : "-H", v, error)) return true;
    Header h;
    if (!parse_header(v, h))
      error = "header must look like \"Name: value\", got \"" + v + "\"";
    else
      out.headers.push_back(h);
    return true;
  }
  if (is_option(arg, "--origin")) {  // wscat's -o: a browser's Origin header
    if (args.value(arg, "--origin", v, error)) out.headers.push_back({"Origin", v});
    return true;
  }
  if (arg == "--json") return out.json = true;
  if (arg == "--no-reconnect") return out.no_reconnect = true;
  if (arg == "--insecure" || arg == "-k") return out.tls.insecure = true;
  if (arg == "-v" || arg == "--verbose") return out.verbose = true;
  if (is_option(arg, "--count")) {
    long n = 0;
    if (args.value(arg, "--count", v, error) && (!parse_count(v, n) || n < 1))
      error = "--count needs a whole number of at least 1, got \"" + v + "\"";
    out.count = n;
    return true;
  }
  if (is_option(arg, "--timeout")) {
    double s = 0;
    if (args.value(arg, "--timeout", v, error) && !parse_number(v, s))
      error = "--timeout needs a number of seconds, got \"" + v + "\"";
    out.timeout = s;
    return true;
  }
  if (is_option(arg, "--ca")) {
    if (args.value(arg, "--ca", v, error)) out.tls.ca_file = v;
    return true;
  }
  if (is_option(arg, "--cert")) {
    if (args.value(arg, "--cert", v, error)) out.tls.cert_file = v;
    return true;
  }
  if (is_option(arg, "--key")) {
    if (args.value(arg, "--key", v, error)) out.tls.key_file = v;
    return true;
  }
  if (is_option(arg, "--proxy")) {
    if (args.value(arg, "--proxy", v, error)) out.proxy = v;
    return true;
  }
  if (is_option(arg, "--reconnect-attempts")) {
    long n = 0;
    if (args.value(arg, "--reconnect-attempts", v, error) && !parse_count(v, n))
      error = "--reconnect-attempts needs a whole number, got \"" + v + "\"";
    out.reconnect_attempts = std::min(n, 1'000'000'000L);  // fits the clients' 32-bit counters
    return true;
  }
  if (is_option(arg, "--reconnect-delay")) {
    long ms = 0;
    if (args.value(arg, "--reconnect-delay", v, error) && !parse_count(v, ms))
      error = "--reconnect-delay needs milliseconds, got \"" + v + "\"";
    out.reconnect_delay_ms = ms;
    return true;
  }
  if (is_option(arg, "--max-message")) {
    long n = 0;
    if (args.value(arg, "--max-message", v, error) && (!parse_count(v, n) || n < 1))
      error = "--max-message needs a number of bytes, got \"" + v + "\"";
    out.max_message = static_cast<std::size_t>(n);
    return true;
  }
  return false;
}

namespace {

/// Levenshtein distance, for option names (short strings).
std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

}  // namespace

std::string did_you_mean(std::string_view arg, std::string_view usage) {
  const std::string_view name = arg.substr(0, arg.find('='));
  std::string best;
  std::size_t best_distance = 3;  // at most two edits away
  for (std::size_t at = usage.find("--"); at != std::string_view::npos; at = usage.find("--", at + 2)) {
    const std::size_t end = usage.find_first_not_of("abcdefghijklmnopqrstuvwxyz-", at + 2);
    const std::string_view known = usage.substr(at, end - at);
    const std::size_t distance = edit_distance(name, known);
    if (distance < best_distance) {
      best_distance = distance;
      best = known;
    }
  }
  return best.empty() ? "" : " (did you mean " + best + "?)";
}

ReconnectPolicy reconnect_policy(const CommonOptions& common, ReconnectPolicy base) {
  base.enabled = !common.no_reconnect;
  if (common.reconnect_attempts) base.max_retries = static_cast<std::uint32_t>(*common.reconnect_attempts);
  if (common.reconnect_delay_ms) {
    base.min_delay = Duration(*common.reconnect_delay_ms);
    base.max_delay = std::max(base.max_delay, base.min_delay);
  }
  return base;
}

std::optional<int> parse_command_line(int argc, char** argv, const char* command, const char* usage,
                                      const std::vector<std::string>& schemes, const char* scheme_hint,
                                      CommonOptions& common, const OptionParser& own) {
  ArgReader args(argc, argv, 2);
  std::string error;
  bool options_ended = false;  // after "--" every argument is an operand
  while (!args.done() && error.empty()) {
    const std::string arg = args.next();
    if (!options_ended && arg == "--") {
      options_ended = true;
      continue;
    }
    if (options_ended) {
      if (common.url.empty())
        common.url = arg;
      else
        error = "unexpected argument " + arg;
      continue;
    }
    if (arg == "-h" || arg == "--help") {
      std::fputs(usage, stdout);
      return 0;
    }
    if (parse_common(args, arg, common, error) || own(args, arg, error)) continue;
    if (!arg.empty() && arg[0] == '-')
      error = "unknown option " + arg + did_you_mean(arg, usage);
    else if (common.url.empty())
      common.url = arg;
    else
      error = "unexpected argument " + arg;
  }
  if (error.empty() && common.url.empty()) error = "missing URL";
  // "localhost:3000" means the command's first scheme (http://, or ws:// for ws), as wscat reads it.
  if (error.empty() && common.url.find("://") == std::string::npos) common.url = schemes.front() + "://" + common.url;
  if (error.empty()) {
    url::Url parsed;
    if (auto ec = url::parse(common.url, parsed))
      error = "bad URL \"" + common.url + "\": " + ec.message();
    else if (std::find(schemes.begin(), schemes.end(), parsed.scheme) == schemes.end())
      error = std::string(scheme_hint) + " (got " + parsed.scheme + "://)";
  }
  if (error.empty()) return std::nullopt;
  std::fprintf(stderr, "twinsock %s: %s\n\n%s", command, error.c_str(), usage);
  return 2;
}

}  // namespace twinsock::cli
