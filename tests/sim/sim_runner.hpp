// Runs many seeded schedules of one client and reports them.
//
//   TWINSOCK_SIM_SEED=<n>  replays schedule n alone and prints its steps
//   TWINSOCK_SIM_RUNS=<n>  runs schedules 1..n instead of the default count
//
// A violated invariant (or an exception) stops the run with the seed to replay
// and the schedule's steps; a sanitizer report or a crash prints the seed too.
#pragma once

#include <gtest/gtest.h>

#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <iostream>
#include <map>
#include <string>
#include <unistd.h>

#include "sim_world.hpp"

#if defined(__SANITIZE_ADDRESS__) && __has_include(<sanitizer/common_interface_defs.h>)
#include <sanitizer/common_interface_defs.h>
#define TWINSOCK_SIM_SANITIZER 1
#endif

namespace twinsock::sim {
namespace detail {

inline volatile std::uint64_t g_running_seed = 0;

// Async-signal-safe: the seed of the schedule that crashed, so it can be replayed.
inline void print_running_seed() {
  char line[96];
  const int n = std::snprintf(line, sizeof line, "\nsim: crashed; replay with TWINSOCK_SIM_SEED=%llu\n",
                              static_cast<unsigned long long>(g_running_seed));
  if (n > 0) (void)!::write(2, line, static_cast<std::size_t>(n));
}

inline void install_crash_report() {
#ifdef TWINSOCK_SIM_SANITIZER
  __sanitizer_set_death_callback(print_running_seed);  // ASan and UBSan reports end here
#endif
  for (int sig : {SIGSEGV, SIGABRT, SIGFPE, SIGBUS}) {
    std::signal(sig, [](int s) {
      print_running_seed();
      std::signal(s, SIG_DFL);
      std::raise(s);
    });
  }
}

inline std::uint64_t env_number(const char* name, std::uint64_t fallback) {
  const char* text = std::getenv(name);
  if (!text || !*text) return fallback;
  return std::strtoull(text, nullptr, 10);
}

}  // namespace detail

/// Runs `schedule(world)` for each seed, checking world.inv as it goes; prints
/// `sim: <client> <runs> schedules, <steps> steps, <n> invariant checks`.
template <typename Schedule>
void run_schedules(const char* client, std::uint64_t default_runs, Schedule&& schedule) {
  detail::install_crash_report();
  const bool replay = std::getenv("TWINSOCK_SIM_SEED") != nullptr;
  const std::uint64_t first = replay ? detail::env_number("TWINSOCK_SIM_SEED", 1) : 1;
  const std::uint64_t runs = replay ? 1 : detail::env_number("TWINSOCK_SIM_RUNS", default_runs);

  std::uint64_t steps = 0, checks = 0, done = 0;
  std::map<std::string, std::uint64_t> coverage;
  for (std::uint64_t seed = first; seed < first + runs; ++seed) {
    detail::g_running_seed = seed;
    World world(seed);
    try {
      schedule(world);
    } catch (const std::exception& e) {
      world.inv.check(false, std::string("exception: ") + e.what());
    }
    ++done;
    steps += world.steps();
    checks += world.inv.checks();
    for (const auto& [what, n] : world.coverage()) coverage[what] += n;
    if (replay || world.inv.failed()) {
      std::cerr << "sim: " << client << " schedule " << seed << " steps:\n";
      for (const auto& line : world.trace()) std::cerr << "  " << line << "\n";
    }
    if (world.inv.failed()) {
      ADD_FAILURE() << "sim: " << client << " invariant violated at step " << world.steps() << ": "
                    << world.inv.failure() << "\nreplay with TWINSOCK_SIM_SEED=" << seed
                    << " (the steps are printed above)";
      break;
    }
  }
  std::cout << "sim: " << client << " " << done << " schedules, " << steps << " steps, " << checks
            << " invariant checks\n";
  std::cout << "sim: " << client << " reached:";
  for (const auto& [what, n] : coverage) std::cout << " " << what << "=" << n;
  std::cout << std::endl;
}

}  // namespace twinsock::sim
