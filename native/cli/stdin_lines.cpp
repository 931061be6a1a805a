#include "stdin_lines.hpp"

#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <thread>

namespace twinsock::cli {

struct StdinLines::Gate {
  static constexpr int kAhead = 64;  // lines posted and not yet taken by the loop
  std::mutex mutex;
  std::condition_variable changed;
  int in_flight = 0;
  bool paused = false;
};

StdinLines::StdinLines(native::PollLoop& loop, std::function<void(std::string)> on_line, std::function<void()> on_eof)
    : gate_(std::make_shared<Gate>()) {
  auto deliver = [gate = gate_, on_line = std::move(on_line)](std::string text) {
    {
      std::lock_guard<std::mutex> lock(gate->mutex);
      --gate->in_flight;
    }
    gate->changed.notify_one();
    on_line(std::move(text));
  };
  // Detached: a read blocked on a terminal must not keep the process from exiting.
  std::thread([poster = loop.poster(), gate = gate_, deliver = std::move(deliver), on_eof = std::move(on_eof)] {
    auto post_line = [&](std::string text) {
      std::unique_lock<std::mutex> lock(gate->mutex);
      gate->changed.wait(lock, [&] { return !gate->paused && gate->in_flight < Gate::kAhead; });
      ++gate->in_flight;
      lock.unlock();
      poster->post([deliver, text = std::move(text)]() mutable { deliver(std::move(text)); });
    };
    std::string line;
    int c;
    while ((c = std::getchar()) != EOF) {
      if (c != '\n') {
        line += static_cast<char>(c);
        continue;
      }
      if (!line.empty() && line.back() == '\r') line.pop_back();
      post_line(std::move(line));
      line.clear();
    }
    if (!line.empty()) post_line(std::move(line));
    poster->post(on_eof);
  }).detach();
}

void StdinLines::pause() {
  std::lock_guard<std::mutex> lock(gate_->mutex);
  gate_->paused = true;
}

void StdinLines::resume() {
  {
    std::lock_guard<std::mutex> lock(gate_->mutex);
    gate_->paused = false;
  }
  gate_->changed.notify_one();
}

}  // namespace twinsock::cli
