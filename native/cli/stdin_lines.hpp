// Standard input as lines delivered on the loop: a reader thread (stdin may be a
// terminal, a pipe or a regular file, and epoll cannot watch regular files)
// posts each line, then end-of-input, to the loop through its Poster.
#pragma once

#include <functional>
#include <string>

#include "twinsock/native/poll_loop.hpp"

namespace twinsock::cli {

/// Starts the reader; `on_line` gets each line without its "\n" (and "\r"),
/// `on_eof` runs once at the end. Both run on the loop thread.
void read_stdin_lines(native::PollLoop& loop, std::function<void(std::string)> on_line, std::function<void()> on_eof);

}  // namespace twinsock::cli
