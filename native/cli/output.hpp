// What the tool prints: human-readable lines by default, or with --json one
// JSON object per line on stdout (the stable form for scripts).
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <system_error>

namespace twinsock::cli {

class Output {
 public:
  explicit Output(bool json) : json_(json) {}
  bool json() const { return json_; }

  /// A JSON event line (--json only).
  void event(const nlohmann::ordered_json& object);
  /// Received data for a human (stdout).
  void data(std::string_view line);
  /// Status for a human (stderr): connected, closed, reconnecting.
  void status(std::string_view line);
  /// An error: JSON event or a stderr line with the stable id.
  void error(std::error_code ec, std::string_view detail);
  /// A trace line (-v) on stderr.
  void trace(std::string_view line);

 private:
  bool json_;
};

/// `url` with the password of its userinfo shown as "***" (for status lines).
std::string without_password(std::string_view url);

std::string to_hex(std::string_view bytes);
/// Parses hex ("0a ff" or "0aff"); false on odd length or a non-hex digit.
bool from_hex(std::string_view text, std::string& out);

}  // namespace twinsock::cli
