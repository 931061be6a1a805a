// Ctrl-C, SIGTERM and SIGHUP as a call on the loop, so that a command can end its
// session cleanly (a WebSocket close frame, a Socket.IO disconnect) instead of
// dying with the connection half open. A second signal ends the process at once;
// when the clean end takes a while (a server that never answers the close), stderr
// says so, instead of a terminal that looks hung.
#pragma once

#include <functional>

#include "twinsock/native/poll_loop.hpp"

namespace twinsock::cli {

/// The shell's exit code for a run ended by `signo` (128 + signo).
constexpr int exit_code_for_signal(int signo) { return 128 + signo; }

class InterruptWatch {
 public:
  /// `on_signal(signo)` runs once, on the loop thread, at the first of those signals.
  /// The loop must be stopped explicitly (the notice's timer may still be armed).
  InterruptWatch(native::PollLoop& loop, std::function<void(int signo)> on_signal);
  ~InterruptWatch();
  InterruptWatch(const InterruptWatch&) = delete;
  InterruptWatch& operator=(const InterruptWatch&) = delete;

 private:
  native::IoWatch watch_;
  Timer notice_;
};

}  // namespace twinsock::cli
