// Ctrl-C, SIGTERM and SIGHUP as a call on the loop, so that a command can end its
// session cleanly (a WebSocket close frame, a Socket.IO disconnect) instead of
// dying with the connection half open. A second signal ends the process at once.
#pragma once

#include <functional>

#include "twinsock/native/poll_loop.hpp"

namespace twinsock::cli {

/// The shell's exit code for a run ended by `signo` (128 + signo).
constexpr int exit_code_for_signal(int signo) { return 128 + signo; }

class InterruptWatch {
 public:
  /// `on_signal(signo)` runs once, on the loop thread, at the first of those signals.
  InterruptWatch(native::PollLoop& loop, std::function<void(int signo)> on_signal);
  ~InterruptWatch();
  InterruptWatch(const InterruptWatch&) = delete;
  InterruptWatch& operator=(const InterruptWatch&) = delete;

 private:
  native::IoWatch watch_;
};

}  // namespace twinsock::cli
