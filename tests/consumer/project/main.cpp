// Connects to the Socket.IO server named on the command line, emits "message" and
// prints the server's "message-back", then stops the loop.
#include <cstdio>

#include "twinsock/native/poll_loop.hpp"
#include "twinsock/sio/manager.hpp"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: app URL\n");
    return 2;
  }
  twinsock::native::PollLoop loop;
  twinsock::sio::Client io(loop, argv[1]);
  twinsock::sio::Socket& socket = io.socket();
  int exit_code = 1;
  auto connected = socket.on_connect.on([&] { socket.emit("message", {"from a consumer"}); });
  auto back = socket.on("message-back", [&](const twinsock::sio::Args& args, const twinsock::sio::Reply&) {
    std::printf("%s\n", args.dump().c_str());
    exit_code = 0;
    loop.stop();
  });
  auto failed = socket.on_connect_error.on([&](const twinsock::sio::ConnectError& e) {
    std::fprintf(stderr, "connect_error: %s\n", e.message.c_str());
    loop.stop();
  });
  loop.run();
  return exit_code;
}
