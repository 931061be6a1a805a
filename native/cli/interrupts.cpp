#include "interrupts.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdio>

namespace twinsock::cli {
namespace {

constexpr int kSignals[] = {SIGINT, SIGTERM, SIGHUP};
int g_pipe[2] = {-1, -1};  // the handler's byte goes in [1], the loop reads it from [0]
// A clean end usually takes a few ms; past this the user hears why nothing happens.
constexpr Duration kNoticeAfter = Duration(1000);

void on_signal(int signo) {
  const int saved = errno;  // only async-signal-safe calls here
  const char byte = static_cast<char>(signo);
  (void)!::write(g_pipe[1], &byte, 1);
  errno = saved;
}

}  // namespace

InterruptWatch::InterruptWatch(native::PollLoop& loop, std::function<void(int)> on_signal_received)
    : notice_(loop) {
  if (g_pipe[0] < 0 && ::pipe2(g_pipe, O_CLOEXEC | O_NONBLOCK) != 0) return;  // no watch: signals keep their default
  watch_ = loop.watch(g_pipe[0], native::io_read, [this, handler = std::move(on_signal_received)](std::uint32_t) {
    char byte = 0;
    if (::read(g_pipe[0], &byte, 1) != 1) return;
    notice_.start(kNoticeAfter, [] {
      std::fputs("twinsock: closing the connection cleanly... (press Ctrl-C again to quit at once)\n", stderr);
    });
    handler(byte);
  });
  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sa.sa_flags = SA_RESETHAND;  // the second signal has its default action: the process ends
  sigemptyset(&sa.sa_mask);
  for (int signo : kSignals) sigaction(signo, &sa, nullptr);
}

InterruptWatch::~InterruptWatch() {
  for (int signo : kSignals) std::signal(signo, SIG_DFL);
}

}  // namespace twinsock::cli
