// twinsock native Socket.IO client benchmark: one scenario per process, one JSON
// line on stdout (read by bench/run.mjs). Talks to bench/servers/sio-bench-server.mjs.
//
//   sio_client_bench connect --url URL --mode ws|upgrade [--warm 30]
//   sio_client_bench echo    --url URL [--n 2000] [--warmup 200]
//   sio_client_bench emit    --url URL [--n 200000] [--batch 1000]
//   sio_client_bench burst   --url URL [--n 200000]
//   sio_client_bench conns   --url URL [--n 1000]
//
// Client CPU is getrusage(RUSAGE_SELF) user+sys around the measured phase only
// (connection set-up and warm-up excluded, except for connect and conns, where
// the connecting is the scenario). Every scenario but connect uses the
// websocket transport only, with reconnection off.
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "bench_util.hpp"
#include "twinsock/native/poll_loop.hpp"
#include "twinsock/sio/manager.hpp"

using twinsock::Duration;
using twinsock::native::PollLoop;
using twinsock::sio::Args;
using twinsock::sio::Client;
using twinsock::sio::ManagerOptions;
using twinsock::sio::Reply;

namespace {

ManagerOptions options_for(const std::string& mode) {
  ManagerOptions o;
  o.reconnection = false;
  if (mode == "ws") o.engine.transports = {"websocket"};
  return o;
}

/// Fails the run when the loop is still busy after `ms`.
void watchdog(PollLoop& loop, long ms, const char* what) {
  loop.set_timer(Duration(ms), [what] { bench::fail(std::string("timeout: ") + what); });
}

/// A connected client (websocket only), for the scenarios that start connected.
std::unique_ptr<Client> connect_client(PollLoop& loop, const std::string& url, const std::string& mode = "ws") {
  auto io = std::make_unique<Client>(loop, url, options_for(mode));
  auto& socket = io->socket();
  auto on_connect = socket.on_connect.on([&] { loop.stop(); });
  auto on_error = socket.on_connect_error.on(
      [](const twinsock::sio::ConnectError& e) { bench::fail("connect_error: " + e.message); });
  auto on_manager_error = io->on_error.on(
      [](std::error_code ec, const std::string& detail) { bench::fail("error: " + ec.message() + " " + detail); });
  loop.run();
  return io;
}

/// Closes a client and lets its goodbye go out (bounded), then destroys it.
void close_client(PollLoop& loop, std::unique_ptr<Client> io) {
  io->close();
  auto t0 = bench::Clock::now();
  while (io->draining() && bench::ms_since(t0) < 200) loop.run_once(Duration(5));
  io.reset();
  loop.run_once(Duration(0));
}

struct ConnectTime {
  double ms;      // wall time until `connect`
  double cpu_ms;  // this process's CPU meanwhile (the rest is the server's, on the same CPU)
};

ConnectTime connect_once(PollLoop& loop, const std::string& url, const std::string& mode) {
  const double cpu0 = bench::cpu_us();
  const auto t0 = bench::Clock::now();
  auto io = connect_client(loop, url, mode);
  const ConnectTime time{bench::ms_since(t0), (bench::cpu_us() - cpu0) / 1000};
  close_client(loop, std::move(io));
  return time;
}

int scenario_connect(const std::string& url, const bench::Flags& flags) {
  PollLoop loop;
  watchdog(loop, 60'000, "connect");
  const std::string mode = flags.str("mode", "ws");
  const ConnectTime cold = connect_once(loop, url, mode);
  std::vector<double> warm;
  const long n = flags.num("warm", 30);
  for (long i = 0; i < n; ++i) warm.push_back(connect_once(loop, url, mode).ms);
  bench::Result()
      .set("cold_ms", cold.ms)
      .set("cold_cpu_ms", cold.cpu_ms)
      .set("warm_ms", bench::percentile(warm, 50))
      .set("warm_min_ms", bench::percentile(warm, 0))
      .print();
  return 0;
}

int scenario_echo(const std::string& url, const bench::Flags& flags) {
  PollLoop loop;
  watchdog(loop, 120'000, "echo");
  auto io = connect_client(loop, url);
  auto& socket = io->socket();
  const Args payload = Args::array({Args{{"x", 1}, {"s", "hello"}}});
  const long warmup = flags.num("warmup", 200);
  const long n = flags.num("n", 2000);
  std::vector<double> rtt_us;
  rtt_us.reserve(static_cast<std::size_t>(n));
  long done = 0;
  bench::Clock::time_point sent_at;
  double cpu0 = 0;
  bench::Clock::time_point t0;
  std::function<void()> next = [&] {
    if (done == warmup) {
      cpu0 = bench::cpu_us();
      t0 = bench::Clock::now();
    }
    if (done == warmup + n) {
      loop.stop();
      return;
    }
    sent_at = bench::Clock::now();
    auto ec = socket.emit("echo", payload, [&](std::error_code error, const Args& args) {
      if (error || args.size() != 1 || args[0]["x"] != 1) bench::fail("bad echo ack");
      if (done >= warmup)
        rtt_us.push_back(std::chrono::duration<double, std::micro>(bench::Clock::now() - sent_at).count());
      ++done;
      next();
    });
    if (ec) bench::fail("emit: " + ec.message());
  };
  next();
  loop.run();
  const double cpu = bench::cpu_us() - cpu0;
  const double total_ms = bench::ms_since(t0);
  bench::Result()
      .set("p50_us", bench::percentile(rtt_us, 50))
      .set("p99_us", bench::percentile(rtt_us, 99))
      .set("cpu_us_per_op", cpu / double(n))
      .set("total_ms", total_ms)
      .print();
  close_client(loop, std::move(io));
  return 0;
}

int scenario_emit(const std::string& url, const bench::Flags& flags) {
  PollLoop loop;
  watchdog(loop, 300'000, "emit");
  auto io = connect_client(loop, url);
  auto& socket = io->socket();
  const long n = flags.num("n", 200'000);
  const long batch = flags.num("batch", 1000);
  const Args payload = Args::array({"0123456789abcdef"});
  long sent = 0;
  long confirmed = -1;
  const double cpu0 = bench::cpu_us();
  const auto t0 = bench::Clock::now();
  std::function<void()> send_batch = [&] {
    for (long i = 0; i < batch && sent < n; ++i, ++sent) {
      if (auto ec = socket.emit("msg", payload)) bench::fail("emit: " + ec.message());
    }
    if (sent < n) {
      loop.post(send_batch);
      return;
    }
    auto ec = socket.emit("count", Args::array(), [&](std::error_code error, const Args& args) {
      if (error || args.empty()) bench::fail("count ack failed");
      confirmed = args[0].get<long>();
      loop.stop();
    });
    if (ec) bench::fail("emit count: " + ec.message());
  };
  send_batch();
  loop.run();
  const double cpu = bench::cpu_us() - cpu0;
  const double secs = bench::ms_since(t0) / 1000.0;
  if (confirmed != n) bench::fail("server counted " + std::to_string(confirmed) + " of " + std::to_string(n));
  bench::Result().set("msgs_per_s", double(n) / secs).set("cpu_us_per_msg", cpu / double(n)).print();
  close_client(loop, std::move(io));
  return 0;
}

int scenario_burst(const std::string& url, const bench::Flags& flags) {
  PollLoop loop;
  watchdog(loop, 300'000, "burst");
  auto io = connect_client(loop, url);
  auto& socket = io->socket();
  const long n = flags.num("n", 200'000);
  long received = 0;
  bench::Clock::time_point t_end;
  auto on_item = socket.on("b", [&](const Args& args, const Reply&) {
    if (args.size() != 1 || !args[0].is_string()) bench::fail("bad burst item");
    if (++received == n) t_end = bench::Clock::now();
  });
  auto on_done = socket.on("burst-done", [&](const Args&, const Reply&) { loop.stop(); });
  const double cpu0 = bench::cpu_us();
  const auto t0 = bench::Clock::now();
  if (auto ec = socket.emit("burst", Args::array({n, 16}))) bench::fail("emit burst: " + ec.message());
  loop.run();
  const double cpu = bench::cpu_us() - cpu0;
  if (received != n) bench::fail("received " + std::to_string(received) + " of " + std::to_string(n));
  const double secs = std::chrono::duration<double>(t_end - t0).count();
  bench::Result().set("msgs_per_s", double(n) / secs).set("cpu_us_per_msg", cpu / double(n)).print();
  close_client(loop, std::move(io));
  return 0;
}

int scenario_conns(const std::string& url, const bench::Flags& flags) {
  PollLoop loop;
  const long n = flags.num("n", 1000);
  watchdog(loop, 180'000, "conns");
  // One connection first so the code and the allocator's first arenas are paged in.
  close_client(loop, connect_client(loop, url));
  const double rss0 = bench::rss_kb();
  std::vector<std::unique_ptr<Client>> clients;
  std::vector<twinsock::Subscription> subs;
  clients.reserve(static_cast<std::size_t>(n));
  subs.reserve(static_cast<std::size_t>(2 * n));
  long connected = 0;
  const double cpu0 = bench::cpu_us();
  const auto t0 = bench::Clock::now();
  for (long i = 0; i < n; ++i) {
    clients.push_back(std::make_unique<Client>(loop, url, options_for("ws")));
    auto& socket = clients.back()->socket();
    subs.push_back(socket.on_connect.on([&] {
      if (++connected == n) loop.stop();
    }));
    subs.push_back(socket.on_connect_error.on(
        [](const twinsock::sio::ConnectError& e) { bench::fail("connect_error: " + e.message); }));
  }
  loop.run();
  const double all_ms = bench::ms_since(t0);
  const double cpu = bench::cpu_us() - cpu0;
  // Let late frames settle, then measure.
  const auto settle = bench::Clock::now();
  while (bench::ms_since(settle) < 200) loop.run_once(Duration(20));
  const double rss1 = bench::rss_kb();
  bench::Result()
      .set("rss_kb_per_conn", (rss1 - rss0) / double(n))
      .set("all_connected_ms", all_ms)
      .set("cpu_us_per_conn", cpu / double(n))
      .set("connected", double(connected))
      .print();
  subs.clear();
  for (auto& c : clients) c->close();
  const auto t_close = bench::Clock::now();
  while (bench::ms_since(t_close) < 300) loop.run_once(Duration(20));
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: sio_client_bench connect|echo|emit|burst|conns --url URL [--n N] ...\n");
    return 2;
  }
  const std::string scenario = argv[1];
  const bench::Flags flags(argc, argv, 2);
  const std::string url = flags.str("url", "http://127.0.0.1:3000");
  if (scenario == "connect") return scenario_connect(url, flags);
  if (scenario == "echo") return scenario_echo(url, flags);
  if (scenario == "emit") return scenario_emit(url, flags);
  if (scenario == "burst") return scenario_burst(url, flags);
  if (scenario == "conns") return scenario_conns(url, flags);
  std::fprintf(stderr, "unknown scenario %s\n", scenario.c_str());
  return 2;
}
