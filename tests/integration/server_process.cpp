#include "server_process.hpp"

#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

extern char** environ;

namespace twinsock::testing {

ServerProcess::ServerProcess(const std::string& script, std::vector<std::string> args, Stdio stdio) {
  int out_fds[2];
  if (pipe(out_fds) != 0) return;
  int in_fds[2] = {-1, -1};
  if (stdio == Stdio::command_channel && pipe(in_fds) != 0) {
    close(out_fds[0]);
    close(out_fds[1]);
    return;
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, out_fds[1], STDOUT_FILENO);
  posix_spawn_file_actions_addclose(&actions, out_fds[0]);
  if (in_fds[0] >= 0) {
    posix_spawn_file_actions_adddup2(&actions, in_fds[0], STDIN_FILENO);
    posix_spawn_file_actions_addclose(&actions, in_fds[1]);
  }
  const std::string path = script.starts_with('/') ? script : std::string(TWINSOCK_SERVERS_DIR) + "/" + script;
  std::vector<std::string> argv_text = {"node", path};
  argv_text.insert(argv_text.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : argv_text) argv.push_back(a.data());
  argv.push_back(nullptr);
  if (posix_spawnp(&pid_, "node", &actions, nullptr, argv.data(), environ) != 0) pid_ = -1;
  posix_spawn_file_actions_destroy(&actions);
  close(out_fds[1]);
  stdout_fd_ = out_fds[0];
  if (in_fds[0] >= 0) {
    close(in_fds[0]);
    stdin_fd_ = in_fds[1];
    // A child that died must fail the write, not kill the test with SIGPIPE.
    signal(SIGPIPE, SIG_IGN);
  }
  if (pid_ < 0) return;
  const std::optional<std::string> line = read_line(std::chrono::seconds(5));
  const std::size_t at = line ? line->find("\"port\":") : std::string::npos;
  if (at != std::string::npos) port_ = static_cast<std::uint16_t>(std::atoi(line->c_str() + at + 7));
}

ServerProcess::~ServerProcess() {
  kill_now();
  if (stdout_fd_ >= 0) close(stdout_fd_);
  if (stdin_fd_ >= 0) close(stdin_fd_);
}

void ServerProcess::kill_now() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
}

std::string ServerProcess::url(const std::string& scheme, const std::string& path) const {
  return scheme + "://127.0.0.1:" + std::to_string(port_) + path;
}

bool ServerProcess::write_line(std::string_view line) {
  if (stdin_fd_ < 0) return false;
  std::string text(line);
  text += '\n';
  std::size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = write(stdin_fd_, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<std::size_t>(n);
  }
  return true;
}

std::optional<std::string> ServerProcess::read_line(std::chrono::milliseconds bound) {
  const auto give_up = std::chrono::steady_clock::now() + bound;
  while (pending_.find('\n') == std::string::npos && stdout_fd_ >= 0) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(give_up - std::chrono::steady_clock::now());
    if (left.count() <= 0) return std::nullopt;
    pollfd p{stdout_fd_, POLLIN, 0};
    if (poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
    char buf[4096];
    const ssize_t n = read(stdout_fd_, buf, sizeof buf);
    if (n <= 0) return std::nullopt;
    pending_.append(buf, static_cast<std::size_t>(n));
  }
  const std::size_t end = pending_.find('\n');
  if (end == std::string::npos) return std::nullopt;
  std::string line = pending_.substr(0, end);
  pending_.erase(0, end + 1);
  return line;
}

}  // namespace twinsock::testing
