#include "bench_report.hpp"

#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "output.hpp"

namespace twinsock::cli {
namespace {

std::string format_count(std::uint64_t n) {
  std::string digits = std::to_string(n);
  for (int i = static_cast<int>(digits.size()) - 3; i > 0; i -= 3) digits.insert(static_cast<std::size_t>(i), ",");
  return digits;
}

std::string format_us(std::uint64_t us) {
  char buf[32];
  if (us < 1000)
    std::snprintf(buf, sizeof buf, "%llu us", static_cast<unsigned long long>(us));
  else if (us < 1'000'000)
    std::snprintf(buf, sizeof buf, "%.2f ms", static_cast<double>(us) / 1e3);
  else
    std::snprintf(buf, sizeof buf, "%.2f s", static_cast<double>(us) / 1e6);
  return buf;
}

double round_to(double v, int digits) {
  const double f = std::pow(10.0, digits);
  return std::round(v * f) / f;
}

nlohmann::ordered_json percentiles_json(const LatencyHistogram& h, bool with_mean) {
  // The same keys with or without samples (null when there are none).
  const bool any = h.count() > 0;
  const auto value = [any](auto v) { return any ? nlohmann::ordered_json(v) : nlohmann::ordered_json(); };
  nlohmann::ordered_json out = {{"p50", value(h.percentile(0.5))},    {"p90", value(h.percentile(0.9))},
                                {"p99", value(h.percentile(0.99))},   {"p999", value(h.percentile(0.999))},
                                {"min", value(h.min())},              {"max", value(h.max())}};
  if (with_mean) out["mean"] = value(any ? round_to(h.mean(), 1) : 0.0);
  return out;
}

nlohmann::ordered_json tally_json(const std::map<std::string, std::uint64_t>& tally) {
  nlohmann::ordered_json out = nlohmann::ordered_json::object();
  for (const auto& [name, n] : tally) out[name] = n;
  return out;
}

double rate_of(std::uint64_t n, const BenchResult& r) {
  return r.duration_s > 0 ? static_cast<double>(n) / r.duration_s : 0.0;
}

std::string joined(const std::vector<std::string>& items) {
  std::string s;
  for (const auto& item : items) s += (s.empty() ? "" : ",") + item;
  return s;
}

}  // namespace

void print_bench_json(const BenchConfig& config, const BenchResult& r) {
  const double clients = static_cast<double>(config.clients);
  const nlohmann::ordered_json report = {
      {"url", config.url},
      {"clients", config.clients},
      {"threads", config.threads},
      {"transports", config.manager.engine.transports},
      {"event", config.event},
      {"payload_bytes", config.payload_bytes},
      {"rate", config.rate},
      {"ack", config.ack},
      {"connected", r.connected},
      {"connect_failed", r.failed},
      {"connect_time_s", round_to(r.connect_time_s, 3)},
      {"connect_latency_us", percentiles_json(r.connect_latency, false)},
      {"disconnected", r.disconnected},
      {"disconnect_reasons", tally_json(r.disconnect_reasons)},
      {"sent", r.sent},
      {"received", r.received},
      {"acked", r.acked},
      {"ack_failed", r.ack_failed},
      {"unacked", r.unacked},
      {"send_rate", round_to(rate_of(r.sent, r), 1)},
      {"send_rate_target", round_to(r.target_send_rate(config), 1)},
      {"send_rate_missed", r.missed_rate(config)},
      {"receive_rate", round_to(rate_of(r.received, r), 1)},
      {"errors", tally_json(r.errors)},
      {"latency_us", percentiles_json(r.ack_latency, true)},
      {"cpu_s", round_to(r.usage.cpu_s(), 3)},
      {"cpu_user_s", round_to(r.usage.user_s, 3)},
      {"cpu_sys_s", round_to(r.usage.system_s, 3)},
      {"cpu_connect_s", round_to(r.usage_connected.cpu_s(), 3)},
      {"cpu_run_s", round_to(r.usage_run.cpu_s() - r.usage_connected.cpu_s(), 3)},
      {"max_rss_kb", r.usage.max_rss_kb},
      {"rss_per_client_kb", round_to(static_cast<double>(r.usage.max_rss_kb) / clients, 2)},
      {"rss_start_kb", r.usage_start.max_rss_kb},
      {"duration_s", round_to(r.duration_s, 3)},
      {"elapsed_s", round_to(r.elapsed_s, 3)},
      {"fd_limit", r.fd_limit},
      {"interrupted", r.interrupted},
  };
  Output(true).data(report.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

void print_bench_table(const BenchConfig& config, const BenchResult& r) {
  std::string errors_text;
  for (const auto& [id, n] : r.errors) errors_text += (errors_text.empty() ? "" : ", ") + id + " " + format_count(n);
  std::string reasons_text;
  for (const auto& [reason, n] : r.disconnect_reasons)
    reasons_text += (reasons_text.empty() ? " (" : ", ") + reason + " " + format_count(n);
  if (!reasons_text.empty()) reasons_text += ")";
  const double clients = static_cast<double>(config.clients);

  std::printf("twinsock bench %s: %ld clients on %d thread%s (%s)%s\n", config.url.c_str(), config.clients,
              config.threads, config.threads == 1 ? "" : "s", joined(config.manager.engine.transports).c_str(),
              r.interrupted ? ", interrupted" : "");
  std::printf("  %-13s %s of %s in %.3f s, %s failed\n", "connected", format_count(r.connected).c_str(),
              format_count(static_cast<std::uint64_t>(config.clients)).c_str(), r.connect_time_s,
              format_count(r.failed).c_str());
  if (r.connect_latency.count() > 0)
    std::printf("  %-13s p50 %s  p90 %s  p99 %s  max %s\n", "connect time",
                format_us(r.connect_latency.percentile(0.5)).c_str(),
                format_us(r.connect_latency.percentile(0.9)).c_str(),
                format_us(r.connect_latency.percentile(0.99)).c_str(), format_us(r.connect_latency.max()).c_str());
  std::printf("  %-13s %s%s\n", "dropped", format_count(r.disconnected).c_str(), reasons_text.c_str());
  std::printf("  %-13s %.3f s at %g msg/s per client, event \"%s\", %zu-byte payload%s\n", "duration", r.duration_s,
              config.rate, config.event.c_str(), config.payload_bytes, config.ack ? ", with ack" : "");
  const std::string missed =
      r.missed_rate(config)
          ? ", below the " + format_count(static_cast<std::uint64_t>(r.target_send_rate(config))) + "/s asked"
          : "";
  std::printf("  %-13s %s (%.0f/s%s)\n", "sent", format_count(r.sent).c_str(), rate_of(r.sent, r), missed.c_str());
  std::printf("  %-13s %s (%.0f/s)\n", "received", format_count(r.received).c_str(), rate_of(r.received, r));
  if (config.ack) {
    std::printf("  %-13s %s, %s failed, %s still owed at the end\n", "acked", format_count(r.acked).c_str(),
                format_count(r.ack_failed).c_str(), format_count(r.unacked).c_str());
    if (r.ack_latency.count() > 0)
      std::printf("  %-13s p50 %s  p90 %s  p99 %s  p99.9 %s  max %s\n", "ack latency",
                  format_us(r.ack_latency.percentile(0.5)).c_str(), format_us(r.ack_latency.percentile(0.9)).c_str(),
                  format_us(r.ack_latency.percentile(0.99)).c_str(), format_us(r.ack_latency.percentile(0.999)).c_str(),
                  format_us(r.ack_latency.max()).c_str());
  }
  std::printf("  %-13s %s\n", "errors", errors_text.empty() ? "none" : errors_text.c_str());
  std::printf("  %-13s %.2f s (user %.2f, sys %.2f); while connecting %.2f s, while running %.2f s\n", "cpu",
              r.usage.cpu_s(), r.usage.user_s, r.usage.system_s, r.usage_connected.cpu_s(),
              r.usage_run.cpu_s() - r.usage_connected.cpu_s());
  std::printf("  %-13s %s KB max RSS, %.1f KB per client (%.1f KB per client above the %s KB at start)\n", "memory",
              format_count(static_cast<std::uint64_t>(r.usage.max_rss_kb)).c_str(),
              static_cast<double>(r.usage.max_rss_kb) / clients,
              static_cast<double>(r.usage.max_rss_kb - r.usage_start.max_rss_kb) / clients,
              format_count(static_cast<std::uint64_t>(r.usage_start.max_rss_kb)).c_str());
  std::printf("  %-13s %.3f s\n", "elapsed", r.elapsed_s);
  std::fflush(stdout);
}

}  // namespace twinsock::cli
