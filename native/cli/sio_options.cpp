#include "sio_options.hpp"

#include <algorithm>
#include <vector>

namespace twinsock::cli {
namespace {

std::vector<std::string> split(const std::string& text, char sep) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  for (;;) {
    const std::size_t end = text.find(sep, start);
    parts.push_back(text.substr(start, end == std::string::npos ? std::string::npos : end - start));
    if (end == std::string::npos) return parts;
    start = end + 1;
  }
}

}  // namespace

bool parse_manager_option(ArgReader& args, const std::string& arg, sio::ManagerOptions& out, std::string& error) {
  std::string v;
  if (is_option(arg, "--path")) {
    if (args.value(arg, "--path", v, error)) out.engine.path = v.empty() || v[0] != '/' ? "/" + v : v;
  } else if (is_option(arg, "--auth")) {
    if (args.value(arg, "--auth", v, error)) {
      out.socket.auth = nlohmann::json::parse(v, nullptr, false);
      if (out.socket.auth.is_discarded() || !out.socket.auth.is_object())
        error = "--auth needs a JSON object, got " + v;
    }
  } else if (is_option(arg, "--query")) {
    if (args.value(arg, "--query", v, error)) {
      const std::size_t eq = v.find('=');
      if (eq == std::string::npos || eq == 0)
        error = "--query needs k=v, got \"" + v + "\"";
      else
        out.engine.query.emplace_back(v.substr(0, eq), v.substr(eq + 1));
    }
  } else if (is_option(arg, "--transports")) {
    if (args.value(arg, "--transports", v, error)) {
      out.engine.transports = split(v, ',');
      for (const auto& t : out.engine.transports)
        if (t != "polling" && t != "websocket") error = "unknown transport \"" + t + "\" (polling, websocket)";
    }
  } else if (is_option(arg, "--parser")) {
    if (args.value(arg, "--parser", v, error)) {
      if (v == "json")
        out.parser = sio::ParserKind::json;
      else if (v == "msgpack")
        out.parser = sio::ParserKind::msgpack;
      else
        error = "--parser is json or msgpack, got \"" + v + "\"";
    }
  } else {
    return false;
  }
  return true;
}

void apply_common_options(const CommonOptions& common, sio::ManagerOptions& out) {
  out.engine.extra_headers = common.headers;
  out.engine.tls = common.tls;
  out.engine.proxy = common.proxy;
  if (common.max_message) out.engine.max_message_size = out.max_packet_bytes = *common.max_message;
  if (common.reconnect_attempts) out.reconnection_attempts = static_cast<std::uint32_t>(*common.reconnect_attempts);
  if (common.reconnect_delay_ms) {
    out.reconnection_delay = Duration(*common.reconnect_delay_ms);
    out.reconnection_delay_max = std::max(out.reconnection_delay_max, out.reconnection_delay);
  }
}

}  // namespace twinsock::cli
