// `twinsock`: a command-line client for WebSocket, SSE and Socket.IO servers.
#include <cstdio>
#include <cstring>
#include <string_view>

#include "commands.hpp"

namespace {

constexpr const char* kUsage =
    "twinsock - realtime client for WebSocket, Server-Sent Events and Socket.IO\n"
    "\n"
    "usage:\n"
    "  twinsock ws URL [options]    send stdin lines as messages, print what arrives\n"
    "  twinsock sse URL [options]   print the events of an event stream\n"
    "  twinsock io URL [options]    emit stdin lines as Socket.IO events, print events\n"
    "  twinsock bench URL --clients N [options]\n"
    "                               Socket.IO load generator: N clients, messages, ack latency\n"
    "  twinsock --help | --version\n"
    "\n"
    "Run `twinsock COMMAND --help` for the options of a command.\n";

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fputs(kUsage, stderr);
    return 2;
  }
  const std::string_view command = argv[1];
  if (command == "--help" || command == "-h" || command == "help") {
    std::fputs(kUsage, stdout);
    return 0;
  }
  if (command == "--version") {
    std::puts("twinsock 0.1.0");
    return 0;
  }
  if (command == "ws") return twinsock::cli::run_ws(argc, argv);
  if (command == "sse") return twinsock::cli::run_sse(argc, argv);
  if (command == "io") return twinsock::cli::run_io(argc, argv);
  if (command == "bench") return twinsock::cli::run_bench(argc, argv);
  std::fprintf(stderr, "twinsock: unknown command '%s'\n\n%s", argv[1], kUsage);
  return 2;
}
