// twinsock native raw WebSocket and SSE client benchmark: one scenario per
// process, one JSON line on stdout (read by bench/run.mjs).
//
//   raw_client_bench ws  --url ws://127.0.0.1:P/echo [--n 200000] [--size 32] [--window 1000]
//       pipelined echo: up to `window` text messages of `size` bytes in flight;
//       measured from the open until the n-th echo came back.
//   raw_client_bench sse --url 'http://127.0.0.1:P/events?n=100000' [--n 100000]
//       measured from the client's construction until the n-th event.
#include <cstdio>
#include <string>

#include "bench_util.hpp"
#include "twinsock/native/poll_loop.hpp"
#include "twinsock/sse/client.hpp"
#include "twinsock/ws/client.hpp"

using twinsock::Duration;
using twinsock::native::PollLoop;

namespace {

int scenario_ws(const bench::Flags& flags) {
  PollLoop loop;
  loop.set_timer(Duration(300'000), [] { bench::fail("timeout: ws"); });
  const long n = flags.num("n", 200'000);
  const long window = flags.num("window", 1000);
  const std::string message(static_cast<std::size_t>(flags.num("size", 32)), 'x');
  twinsock::ws::ClientOptions options;
  options.reconnect.enabled = false;
  twinsock::ws::Client ws(loop, flags.str("url"), options);
  long sent = 0;
  long received = 0;
  double cpu0 = 0;
  bench::Clock::time_point t0;
  auto send = [&] {
    if (auto ec = ws.send(message)) bench::fail("send: " + ec.message());
    ++sent;
  };
  auto on_open = ws.on_open.on([&] {
    cpu0 = bench::cpu_us();
    t0 = bench::Clock::now();
    while (sent < window && sent < n) send();
  });
  auto on_message = ws.on_message.on([&](const twinsock::ws::Message& m) {
    if (m.data.size() != message.size()) bench::fail("bad echo");
    if (++received == n) {
      loop.stop();
      return;
    }
    if (sent < n) send();
  });
  auto on_close = ws.on_close.on([&](const twinsock::ws::CloseInfo& info) {
    if (received < n) bench::fail("closed early: " + std::to_string(info.code));
  });
  loop.run();
  const double cpu = bench::cpu_us() - cpu0;
  const double secs = bench::ms_since(t0) / 1000.0;
  bench::Result().set("msgs_per_s", double(n) / secs).set("cpu_us_per_msg", cpu / double(n)).print();
  ws.close();
  const auto t_close = bench::Clock::now();
  while (ws.ready_state() != twinsock::ws::ReadyState::closed && bench::ms_since(t_close) < 200)
    loop.run_once(Duration(5));
  return 0;
}

int scenario_sse(const bench::Flags& flags) {
  PollLoop loop;
  loop.set_timer(Duration(300'000), [] { bench::fail("timeout: sse"); });
  const long n = flags.num("n", 100'000);
  twinsock::sse::ClientOptions options;
  options.reconnect.enabled = false;
  long received = 0;
  const double cpu0 = bench::cpu_us();
  const auto t0 = bench::Clock::now();
  twinsock::sse::Client sse(loop, flags.str("url"), options);
  auto on_message = sse.on_message.on([&](const twinsock::sse::MessageEvent& e) {
    if (e.data.size() != 16) bench::fail("bad event");
    if (++received == n) loop.stop();
  });
  auto on_error = sse.on_error.on([&](std::error_code ec, const std::string& detail, int) {
    if (received < n) bench::fail("sse error: " + ec.message() + " " + detail);
  });
  loop.run();
  const double cpu = bench::cpu_us() - cpu0;
  const double secs = bench::ms_since(t0) / 1000.0;
  bench::Result().set("msgs_per_s", double(n) / secs).set("cpu_us_per_msg", cpu / double(n)).print();
  sse.close();
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: raw_client_bench ws|sse --url URL [--n N] ...\n");
    return 2;
  }
  const std::string scenario = argv[1];
  const bench::Flags flags(argc, argv, 2);
  if (scenario == "ws") return scenario_ws(flags);
  if (scenario == "sse") return scenario_sse(flags);
  std::fprintf(stderr, "unknown scenario %s\n", scenario.c_str());
  return 2;
}
