// Golden vectors shared by the native and the WASM test suites.
//
// tests/vectors/<area>.json holds {"vectors": [ {"name", ...input fields..., "expect"} ]}.
// tests/vectors/<area>_runner.cpp turns one vector into the codec's actual
// output (a JSON value); both suites compare it with "expect". Runners feed
// every input whole and split at every byte boundary (see chunking.hpp) and
// report a mismatch between the two as {"split_mismatch": ...}.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace twinsock::vectors {

using Runner = std::function<nlohmann::json(const nlohmann::json& vector)>;

/// Registers a runner for an area; returns true so it can initialise a static.
bool register_runner(const std::string& area, Runner runner);

/// Runs one vector; {"error": "no runner for <area>"} when none is registered.
nlohmann::json run(const std::string& area, const nlohmann::json& vector);

std::vector<std::string> areas();

}  // namespace twinsock::vectors

// In a runner file: TWINSOCK_VECTOR_RUNNER(ws) { ... return actual; }
// defines `nlohmann::json run_ws(const nlohmann::json& v)` and registers it.
#define TWINSOCK_VECTOR_RUNNER(area)                                                                    \
  static nlohmann::json run_##area(const nlohmann::json& v);                                            \
  [[maybe_unused]] static const bool registered_##area =                                                \
      ::twinsock::vectors::register_runner(#area, run_##area);                                          \
  static nlohmann::json run_##area(const nlohmann::json& v)
