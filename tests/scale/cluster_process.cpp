#include "cluster_process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <thread>
#include <vector>

extern char** environ;

namespace twinsock::testing {
namespace {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

// Waits for `pid` to exit, at most `bound`; true when it has (and is reaped).
bool wait_exit(pid_t pid, std::chrono::milliseconds bound) {
  const auto give_up = Clock::now() + bound;
  int status = 0;
  while (Clock::now() < give_up) {
    const pid_t r = waitpid(pid, &status, WNOHANG);
    if (r == pid || r < 0) return true;
    std::this_thread::sleep_for(20ms);
  }
  return false;
}

}  // namespace

const char* sticky_name(Sticky sticky) { return sticky == Sticky::ip_hash ? "ip_hash" : "cookie"; }

ClusterProcess::ClusterProcess(Sticky sticky) {
  // A write to a cluster that died must fail, not kill the test.
  signal(SIGPIPE, SIG_IGN);
  int in[2];
  int out[2];
  if (pipe2(in, O_CLOEXEC) != 0 || pipe2(out, O_CLOEXEC) != 0) {
    error_ = "pipe() failed";
    return;
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in[0], STDIN_FILENO);
  posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
  std::vector<std::string> argv_text = {"node", std::string(TWINSOCK_SCALE_DIR) + "/cluster.mjs", "--sticky",
                                        sticky_name(sticky)};
  std::vector<char*> argv;
  for (auto& a : argv_text) argv.push_back(a.data());
  argv.push_back(nullptr);
  if (posix_spawnp(&pid_, "node", &actions, nullptr, argv.data(), environ) != 0) pid_ = -1;
  posix_spawn_file_actions_destroy(&actions);
  close(in[0]);
  close(out[1]);
  stdin_fd_ = in[1];
  stdout_fd_ = out[0];
  if (pid_ < 0) {
    error_ = "could not run node";
    return;
  }
  const std::string line = read_line(30s);
  const auto ready = nlohmann::json::parse(line, nullptr, false);
  if (ready.is_object() && ready.contains("port")) {
    port_ = ready["port"].get<std::uint16_t>();
  } else {
    error_ = line.empty() ? "tests/scale/cluster.mjs did not start (its message is on stderr above; "
                            "nginx and redis-server come with `bash scripts/setup`)"
                          : "unexpected first line from cluster.mjs: " + line;
  }
}

ClusterProcess::~ClusterProcess() {
  if (stdin_fd_ >= 0) close(stdin_fd_);  // end of commands: the cluster stops
  if (pid_ > 0 && !wait_exit(pid_, 10s)) {
    ::kill(pid_, SIGTERM);
    if (!wait_exit(pid_, 5s)) {
      ::kill(pid_, SIGKILL);
      wait_exit(pid_, 5s);
    }
  }
  if (stdout_fd_ >= 0) close(stdout_fd_);
}

std::string ClusterProcess::read_line(std::chrono::milliseconds bound) {
  const auto give_up = Clock::now() + bound;
  std::size_t nl;
  while ((nl = buffered_.find('\n')) == std::string::npos && Clock::now() < give_up) {
    pollfd p{stdout_fd_, POLLIN, 0};
    if (poll(&p, 1, 100) <= 0) continue;
    char buf[4096];
    const ssize_t n = read(stdout_fd_, buf, sizeof buf);
    if (n <= 0) return "";  // the cluster exited
    buffered_.append(buf, static_cast<std::size_t>(n));
  }
  if (nl == std::string::npos) return "";
  std::string line = buffered_.substr(0, nl);
  buffered_.erase(0, nl + 1);
  return line;
}

nlohmann::json ClusterProcess::command(const nlohmann::json& cmd) {
  const std::string line = cmd.dump() + "\n";
  if (write(stdin_fd_, line.data(), line.size()) != static_cast<ssize_t>(line.size()))
    return {{"ok", false}, {"error", "the cluster is gone"}};
  auto answer = nlohmann::json::parse(read_line(10s), nullptr, false);
  if (!answer.is_object()) return {{"ok", false}, {"error", "no answer to " + cmd.dump()}};
  return answer;
}

bool ClusterProcess::broadcast(const std::string& node, const std::string& room, const std::string& event,
                               const nlohmann::json& data) {
  return command({{"cmd", "broadcast"}, {"node", node}, {"room", room}, {"event", event}, {"data", data}})
      .value("ok", false);
}

bool ClusterProcess::kill(const std::string& node) {
  return command({{"cmd", "kill"}, {"node", node}}).value("ok", false);
}

nlohmann::json ClusterProcess::sessions() {
  auto answer = command({{"cmd", "sessions"}});
  return answer.value("ok", false) ? answer["sessions"] : nlohmann::json::object();
}

}  // namespace twinsock::testing
