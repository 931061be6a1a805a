// examples/chat: a Socket.IO chat client in one C++ file that builds natively and,
// unchanged, to WebAssembly (run with Node).
//
//   chat URL ROOM NAME          e.g. chat http://127.0.0.1:3000 lobby alice
//
// It joins ROOM as NAME, sends every line typed on stdin as a chat message and prints
// what arrives, one line each:
//
//   joined lobby               we are in the room
//   * bob joined               someone else came in ("* bob left" when they go)
//   [lobby] alice: hello       a message (our own ones come back too)
//   left                       stdin ended, every message was acknowledged, we left
//
// Errors go to stderr. Exit status: 0 after stdin ends and the server has acknowledged
// every message; 1 if the connection fails or the server disconnects us; 2 on bad arguments.
// The server side is tests/servers/chat-server.mjs (events join, chat, leave).
//
// Only two things differ between the platforms (the #ifdef __EMSCRIPTEN__ parts):
// which Loop drives the client, and how stdin lines arrive.
#include <cstdio>
#include <deque>
#include <functional>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "twinsock/sio/manager.hpp"

#ifdef __EMSCRIPTEN__
#include <emscripten.h>

#include "twinsock/web/browser_loop.hpp"
#else
#include <iostream>
#include <thread>

#include "twinsock/native/poll_loop.hpp"
#endif

namespace {

using nlohmann::json;

void say(const std::string& line) {
  std::printf("%s\n", line.c_str());
  std::fflush(stdout);  // one line at a time, even into a pipe
}

void complain(const std::string& line) { std::fprintf(stderr, "chat: %s\n", line.c_str()); }

// args[0][key] as a string, "" if the server sent something else.
std::string field(const json& args, const char* key) {
  if (!args.is_array() || args.empty() || !args[0].is_object()) return "";
  const auto it = args[0].find(key);
  return it != args[0].end() && it->is_string() ? it->get<std::string>() : "";
}

class Chat {
 public:
  /// `exit_program(code)` ends the program (stops the loop natively, exits the WASM runtime).
  Chat(twinsock::Loop& loop, const std::string& url, std::string room, std::string name,
       std::function<void(int)> exit_program)
      : io_(loop, url),
        socket_(io_.socket()),
        room_(std::move(room)),
        name_(std::move(name)),
        exit_program_(std::move(exit_program)),
        poll_(loop) {
    // (Re)connected: join the room. Lines typed meanwhile wait in outbox_.
    subs_.push_back(socket_.on_connect.on([this] { join(); }));
    subs_.push_back(socket_.on_disconnect.on([this](const std::string& reason) {
      joined_ = false;  // the server forgets its rooms; join again after reconnecting
      if (leaving_) return;
      if (reason == "io server disconnect") {  // kicked out: the client does not reconnect then
        complain("the server disconnected us");
        return quit(1);
      }
      complain("disconnected (" + reason + "), reconnecting");
    }));
    subs_.push_back(socket_.on_connect_error.on([this](const twinsock::sio::ConnectError& e) {
      complain("cannot connect: " + e.message);
      quit(1);
    }));
    subs_.push_back(socket_.on("chat", [](const twinsock::sio::Args& args, const twinsock::sio::Reply&) {
      say("[" + field(args, "room") + "] " + field(args, "name") + ": " + field(args, "text"));
    }));
    subs_.push_back(socket_.on("joined", [](const twinsock::sio::Args& args, const twinsock::sio::Reply&) {
      say("* " + field(args, "name") + " joined");
    }));
    subs_.push_back(socket_.on("left", [](const twinsock::sio::Args& args, const twinsock::sio::Reply&) {
      say("* " + field(args, "name") + " left");
    }));
  }

  /// A line from stdin.
  void type(std::string text) {
    if (text.empty() || leaving_) return;
    outbox_.push_back(std::move(text));
    send_outbox();
  }

  /// stdin ended: leave once every message is acknowledged.
  void end_of_input() {
    input_ended_ = true;
    leave_when_done();
  }

 private:
  void join() {
    socket_.emit("join", json{{"room", room_}, {"name", name_}}, [this](std::error_code ec, const json& answer) {
      if (ec || field(answer, "room") != room_) {
        complain("cannot join " + room_ + ": " + (ec ? ec.message() : field(answer, "error")));
        return quit(1);
      }
      joined_ = true;
      say("joined " + room_);
      send_outbox();
      leave_when_done();
    });
  }

  void send_outbox() {
    for (; joined_ && !outbox_.empty(); outbox_.pop_front()) {
      ++unacked_;
      socket_.emit("chat", json(outbox_.front()), [this](std::error_code ec, const json&) {
        if (ec) complain("a message was not delivered: " + ec.message());
        --unacked_;
        leave_when_done();
      });
    }
  }

  void leave_when_done() {
    if (!input_ended_ || !joined_ || !outbox_.empty() || unacked_ > 0 || leaving_) return;
    leaving_ = true;
    socket_.emit("leave", json::array(), [this](std::error_code, const json&) {
      say("left");
      socket_.disconnect();
      io_.close();
      quit_when_closed();
    });
  }

  // close() lets the connection say goodbye (the DISCONNECT reaches the server): wait for that.
  void quit_when_closed() {
    if (!io_.draining()) return quit(0);
    poll_.start(twinsock::Duration(20), [this] { quit_when_closed(); });
  }

  void quit(int code) {
    if (std::exchange(quit_called_, true)) return;
    exit_program_(code);
  }

  twinsock::sio::Client io_;
  twinsock::sio::Socket& socket_;
  std::string room_, name_;
  std::function<void(int)> exit_program_;
  twinsock::Timer poll_;
  std::vector<twinsock::Subscription> subs_;
  std::deque<std::string> outbox_;  // typed, not sent yet (waiting for the join)
  int unacked_ = 0;                 // sent, not acknowledged yet
  bool joined_ = false, input_ended_ = false, leaving_ = false, quit_called_ = false;
};

#ifdef __EMSCRIPTEN__
// In WASM under Node, stdin is Node's process.stdin, read line by line by Node's
// readline; its 'line' and 'close' events call the two exported functions below.
// (No backslash escapes in EM_JS bodies: they do not survive the macro.)
Chat* the_chat = nullptr;

extern "C" {
EMSCRIPTEN_KEEPALIVE void chat_stdin_line(const char* line) { the_chat->type(line); }
EMSCRIPTEN_KEEPALIVE void chat_stdin_end() { the_chat->end_of_input(); }
}

// Node 20 has no global WebSocket, so this also installs the `ws` package as one
// (`require` comes from bindings/wasm/node-shim.extern-pre.js). Without `ws` the client
// stays on HTTP long-polling, which uses Node's global fetch.
EM_JS(void, read_stdin_lines, (), {
  if (typeof WebSocket == "undefined") {
    try { globalThis.WebSocket = require("ws"); } catch (e) {}
  }
  const lines = require("node:readline").createInterface({ input: process.stdin, crlfDelay: Infinity });
  lines.on("line", (line) => {
    const sp = stackSave();
    _chat_stdin_line(allocateUTF8OnStack(line));
    stackRestore(sp);
  });
  lines.on("close", () => _chat_stdin_end());
});
#else
// Natively stdin may be a terminal, a pipe or a file: a thread reads it and posts each
// line to the loop, so every Chat call happens on the loop's thread.
void read_stdin_lines(twinsock::native::PollLoop& loop, Chat& chat) {
  std::thread([poster = loop.poster(), &chat] {
    std::string line;
    while (std::getline(std::cin, line)) {
      if (!line.empty() && line.back() == '\r') line.pop_back();
      poster->post([&chat, line] { chat.type(line); });
    }
    poster->post([&chat] { chat.end_of_input(); });
  }).detach();  // a read blocked on a terminal must not keep the program from exiting
}
#endif

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: chat URL ROOM NAME   (e.g. chat http://127.0.0.1:3000 lobby alice)\n");
    return 2;
  }
#ifdef __EMSCRIPTEN__
  // The JavaScript event loop drives everything, after main has returned: the loop and
  // the chat must outlive main (hence static), and timers, sockets and stdin keep Node running.
  static twinsock::web::BrowserLoop loop;
  static Chat chat(loop, argv[1], argv[2], argv[3], [](int code) { emscripten_force_exit(code); });
  the_chat = &chat;
  read_stdin_lines();
  // Leave main but keep the runtime: with -sEXIT_RUNTIME=1 (so that exit() really ends
  // the program) a plain `return` would exit at once.
  emscripten_exit_with_live_runtime();
#else
  twinsock::native::PollLoop loop;
  int exit_code = 0;
  Chat chat(loop, argv[1], argv[2], argv[3], [&](int code) {
    exit_code = code;
    loop.stop();
  });
  read_stdin_lines(loop, chat);
  loop.run();
  return exit_code;
#endif
}
