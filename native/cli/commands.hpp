// The tool's commands; each returns the process exit code
// (0 normal end, 1 connection failed or closed abnormally, 2 usage error).
#pragma once

namespace twinsock::cli {

int run_ws(int argc, char** argv);
int run_sse(int argc, char** argv);
int run_io(int argc, char** argv);
int run_bench(int argc, char** argv);

constexpr int exit_ok = 0;
constexpr int exit_failed = 1;
constexpr int exit_usage = 2;

}  // namespace twinsock::cli
