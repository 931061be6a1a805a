#include "stdin_lines.hpp"

#include <cstdio>
#include <thread>

namespace twinsock::cli {

void read_stdin_lines(native::PollLoop& loop, std::function<void(std::string)> on_line, std::function<void()> on_eof) {
  // Detached: a read blocked on a terminal must not keep the process from exiting.
  std::thread([poster = loop.poster(), on_line = std::move(on_line), on_eof = std::move(on_eof)] {
    std::string line;
    int c;
    while ((c = std::getchar()) != EOF) {
      if (c != '\n') {
        line += static_cast<char>(c);
        continue;
      }
      if (!line.empty() && line.back() == '\r') line.pop_back();
      poster->post([on_line, text = std::move(line)]() mutable { on_line(std::move(text)); });
      line.clear();
    }
    if (!line.empty()) poster->post([on_line, text = std::move(line)]() mutable { on_line(std::move(text)); });
    poster->post(on_eof);
  }).detach();
}

}  // namespace twinsock::cli
