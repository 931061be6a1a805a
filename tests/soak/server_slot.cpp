#include "server_slot.hpp"

namespace twinsock::soak {
namespace {

// A loaded machine can take node past ServerProcess's 5 s to listen: try again.
std::shared_ptr<testing::ServerProcess> start_server(const std::string& script, const std::vector<std::string>& args) {
  auto process = std::make_shared<testing::ServerProcess>(script, args);
  for (int attempt = 1; attempt < 3 && !process->ok(); ++attempt)
    process = std::make_shared<testing::ServerProcess>(script, args);
  return process;
}

}  // namespace

ServerSlot::ServerSlot(native::PollLoop& loop, std::string script, std::vector<std::string> args)
    : loop_(loop), script_(std::move(script)), args_(std::move(args)) {
  process_ = start_server(script_, args_);
  port_ = process_->port();
}

ServerSlot::~ServerSlot() {
  if (starter_.joinable()) starter_.join();
}

std::string ServerSlot::url(const std::string& scheme, const std::string& path) const {
  return scheme + "://127.0.0.1:" + std::to_string(port_) + path;
}

bool ServerSlot::restart() {
  if (restarting_) return false;
  restarting_ = true;
  process_.reset();  // kills it
  if (starter_.joinable()) starter_.join();
  std::vector<std::string> args = args_;
  args.insert(args.end(), {"--port", std::to_string(port_)});
  starter_ = std::thread([poster = loop_.poster(), alive = std::weak_ptr<bool>(alive_), this, script = script_,
                          args = std::move(args)] {
    auto process = start_server(script, args);
    poster->post([alive, this, process = std::move(process)]() mutable {
      if (alive.lock()) install(std::move(process));
    });
  });
  return true;
}

void ServerSlot::install(std::shared_ptr<testing::ServerProcess> process) {
  if (process->port() != port_) ++failed_restarts_;  // did not listen (in time, or on this port)
  process_ = std::move(process);
  restarting_ = false;
}

}  // namespace twinsock::soak
