// Standard input as lines delivered on the loop: a reader thread (stdin may be a
// terminal, a pipe or a regular file, and epoll cannot watch regular files)
// posts each line, then end-of-input, to the loop through its Poster.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "twinsock/native/poll_loop.hpp"

namespace twinsock::cli {

/// Starts the reader; `on_line` gets each line without its "\n" (and "\r"),
/// `on_eof` runs once at the end. Both run on the loop thread.
///
/// Flow control: the reader stays a few lines ahead of the loop at most, and pause()
/// (from the loop thread) stops it until resume(); a consumer that can take no more
/// keeps the few lines already on their way and pauses, so a large file piped in is
/// read as fast as it can be sent, not into memory.
class StdinLines {
 public:
  StdinLines(native::PollLoop& loop, std::function<void(std::string)> on_line, std::function<void()> on_eof);
  void pause();
  void resume();

 private:
  struct Gate;
  std::shared_ptr<Gate> gate_;
};

}  // namespace twinsock::cli
