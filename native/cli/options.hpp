// Command-line options of the `twinsock` tool: what every command shares, and
// a small parser that reports usage errors (exit code 2) with a clear message.
#pragma once

#include <functional>
#include <optional>
#include <string_view>
#include <string>
#include <vector>

#include "twinsock/http_header.hpp"
#include "twinsock/reconnect.hpp"
#include "twinsock/tls_options.hpp"

namespace twinsock::cli {

struct CommonOptions {
  std::string url;
  Headers headers;
  bool json = false;
  std::optional<long> count;      // exit after N received messages / events
  std::optional<double> timeout;  // exit after SEC seconds
  bool no_reconnect = false;
  std::optional<long> reconnect_attempts;  // give up after N attempts (exit 1)
  std::optional<long> reconnect_delay_ms;  // the first reconnection delay
  TlsOptions tls;
  std::optional<std::size_t> max_message;
  bool verbose = false;
  std::string proxy;
};

struct WsOptions {
  std::vector<std::string> subprotocols;
  bool binary = false;
  std::optional<double> ping_interval;
  bool deflate = false;
};

struct SseOptions {
  std::string last_event_id;
  std::string method = "GET";
  std::optional<std::string> data;
};

/// Walks argv; each parse_* returns false with `error` set on a usage error.
class ArgReader {
 public:
  ArgReader(int argc, char** argv, int first) : argc_(argc), argv_(argv), i_(first) {}
  bool done() const { return i_ >= argc_; }
  std::string next() { return argv_[i_++]; }
  /// The value of an option that takes one ("--count 3" or "--count=3").
  bool value(const std::string& arg, const std::string& name, std::string& out, std::string& error);

 private:
  int argc_;
  char** argv_;
  int i_;
};

/// Parses "Name: value" (as curl's -H); false when there is no colon or the name is empty.
bool parse_header(const std::string& text, Header& out);

/// " (did you mean --timeout?)" when an option of `usage` is at most two edits from
/// `arg`'s name, else "".
std::string did_you_mean(std::string_view arg, std::string_view usage);

/// Tries the options every command shares; returns true when `arg` was one of them.
/// Sets `error` on a malformed value.
bool parse_common(ArgReader& args, const std::string& arg, CommonOptions& out, std::string& error);

/// A command's own options: returns true when it consumed `arg` (setting `error`
/// on a bad value), false for an option it does not know.
using OptionParser = std::function<bool(ArgReader& args, const std::string& arg, std::string& error)>;

/// Walks `argv` after the command name: --help (prints `usage`), the shared
/// options, the command's own, then the URL, which must parse and use one of
/// `schemes` (`scheme_hint` explains which); a URL without a scheme gets the first one. On a usage error it prints
/// "twinsock <command>: <why>" and the usage on stderr. Returns the exit code
/// when the command should end here (0 after --help, 2 on a usage error).
std::optional<int> parse_command_line(int argc, char** argv, const char* command, const char* usage,
                                      const std::vector<std::string>& schemes, const char* scheme_hint,
                                      CommonOptions& common, const OptionParser& own);

/// The reconnection policy of ws and sse: `base` with --reconnect-attempts / --reconnect-delay.
ReconnectPolicy reconnect_policy(const CommonOptions& common, ReconnectPolicy base);

bool parse_number(const std::string& text, double& out);
/// `arg` is the option `name`, alone or as "name=value" (never a longer option that shares the prefix).
bool is_option(const std::string& arg, const char* name);
bool parse_count(const std::string& text, long& out);

}  // namespace twinsock::cli
