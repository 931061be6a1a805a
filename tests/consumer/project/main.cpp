// Connects to the Socket.IO server named on the command line, emits "message",
// prints the server's "message-back" and exits 0 (1 on connect_error). The same
// source natively and in WASM, as a user's program would be.
#include <cstdio>
#include <vector>

#include "twinsock/sio/manager.hpp"

#ifdef __EMSCRIPTEN__
#include <emscripten.h>

#include "twinsock/web/browser_loop.hpp"
using Loop = twinsock::web::BrowserLoop;
#else
#include "twinsock/native/poll_loop.hpp"
using Loop = twinsock::native::PollLoop;
#endif

namespace {

class App {
 public:
  App(Loop& loop, const char* url) : loop_(loop), io_(loop, url), socket_(io_.socket()) {
    subs_.push_back(socket_.on_connect.on([this] { socket_.emit("message", {"from a consumer"}); }));
    subs_.push_back(socket_.on("message-back", [this](const twinsock::sio::Args& args, const twinsock::sio::Reply&) {
      std::printf("%s\n", args.dump().c_str());
      finish(0);
    }));
    subs_.push_back(socket_.on_connect_error.on([this](const twinsock::sio::ConnectError& e) {
      std::fprintf(stderr, "connect_error: %s\n", e.message.c_str());
      finish(1);
    }));
  }
  int exit_code = 1;

 private:
  void finish(int code) {
    exit_code = code;
#ifdef __EMSCRIPTEN__
    emscripten_force_exit(code);
#else
    loop_.stop();
#endif
  }

  Loop& loop_;
  twinsock::sio::Client io_;
  twinsock::sio::Socket& socket_;
  std::vector<twinsock::Subscription> subs_;
};

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: app URL\n");
    return 2;
  }
#ifdef __EMSCRIPTEN__
  // The browser's (or Node's) event loop runs the program once main has returned.
  static Loop loop;
  static App app(loop, argv[1]);
  emscripten_exit_with_live_runtime();
  return 0;
#else
  Loop loop;
  App app(loop, argv[1]);
  loop.run();
  return app.exit_code;
#endif
}
