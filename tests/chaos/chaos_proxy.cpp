#include "chaos_proxy.hpp"

#include <gtest/gtest.h>

#include <chrono>

namespace twinsock::testing {

namespace {

std::string chaos_script() { return std::string(TWINSOCK_CHAOS_DIR) + "/proxy.mjs"; }

}  // namespace

ChaosProxy::ChaosProxy(std::uint16_t target_port)
    : process_(chaos_script(), {"--target", "127.0.0.1:" + std::to_string(target_port)},
               ServerProcess::Stdio::command_channel) {}

nlohmann::json ChaosProxy::command(const nlohmann::json& cmd) {
  nlohmann::json answer = {{"ok", false}, {"error", "no answer from the proxy"}};
  if (process_.write_line(cmd.dump())) {
    if (auto line = process_.read_line(std::chrono::seconds(5))) {
      answer = nlohmann::json::parse(*line, nullptr, false);
      if (answer.is_discarded()) answer = {{"ok", false}, {"error", "not JSON: " + *line}};
    }
  }
  if (answer.value("ok", false) != true) ADD_FAILURE() << "chaos proxy: " << cmd.dump() << " -> " << answer.dump();
  return answer;
}

void ChaosProxy::cut() { command({{"cmd", "cut"}}); }
void ChaosProxy::reset() { command({{"cmd", "reset"}}); }
void ChaosProxy::stall(bool on) { command({{"cmd", "stall"}, {"on", on}}); }
void ChaosProxy::latency(int ms, int jitter_ms) { command({{"cmd", "latency"}, {"ms", ms}, {"jitter", jitter_ms}}); }
void ChaosProxy::split(bool on) { command({{"cmd", "split"}, {"on", on}}); }
void ChaosProxy::cut_after_bytes(std::uint64_t bytes, const std::string& direction) {
  command({{"cmd", "cutAfterBytes"}, {"bytes", bytes}, {"direction", direction}});
}
void ChaosProxy::cut_every(int ms) { command({{"cmd", "cutEvery"}, {"ms", ms}}); }
void ChaosProxy::fail_upgrade(bool on) { command({{"cmd", "failUpgrade"}, {"on", on}}); }
void ChaosProxy::refuse(bool on) { command({{"cmd", "refuse"}, {"on", on}}); }

ProxyStats ChaosProxy::stats() {
  const nlohmann::json s = command({{"cmd", "stats"}});
  const auto field = [&](const char* name) { return s.value(name, std::uint64_t{0}); };
  return ProxyStats{.connections = field("connections"), .open = field("open"), .bytes_up = field("bytesUp"),
                    .bytes_down = field("bytesDown"), .cuts = field("cuts")};
}

}  // namespace twinsock::testing
