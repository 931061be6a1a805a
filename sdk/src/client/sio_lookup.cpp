#include "twinsock/sio/io.hpp"

#include <map>
#include <mutex>
#include <tuple>

#include "codec/url/socketio.hpp"
#include "codec/url/url.hpp"

namespace twinsock::sio {
namespace {

struct Cache {
  std::mutex mutex;
  std::map<std::tuple<Loop*, std::string>, std::weak_ptr<Manager>> managers;
};

Cache& cache() {
  static Cache instance;
  return instance;
}

// socket.io-client's `url.id` plus the path: what makes two io() calls share a Manager.
std::string cache_id(const std::string& text, const ManagerOptions& options) {
  url::Url parsed;
  if (url::parse(text, parsed)) return text;  // unparsable: the Manager reports the error; no sharing
  return url::split_socketio(parsed).engine.origin() + options.engine.path;
}

}  // namespace

std::shared_ptr<Manager> lookup(Loop& loop, const std::string& url, ManagerOptions options,
                                LookupOptions lookup_options) {
  const bool share = !lookup_options.force_new && lookup_options.multiplex;
  if (!share) return std::make_shared<Manager>(loop, url, std::move(options));
  const auto key = std::make_tuple(&loop, cache_id(url, options));
  Cache& c = cache();
  std::lock_guard<std::mutex> lock(c.mutex);
  if (auto it = c.managers.find(key); it != c.managers.end()) {
    if (auto existing = it->second.lock()) return existing;
  }
  auto manager = std::make_shared<Manager>(loop, url, std::move(options));
  c.managers[key] = manager;
  std::erase_if(c.managers, [](const auto& entry) { return entry.second.expired(); });
  return manager;
}

IoSocket io(Loop& loop, const std::string& url, ManagerOptions options, LookupOptions lookup_options) {
  SocketOptions socket_options = options.socket;
  std::shared_ptr<Manager> manager = lookup(loop, url, std::move(options), lookup_options);
  url::Url parsed;
  // An unparsable URL: the Manager reports it; its own socket() stands in.
  if (url::parse(url, parsed)) return {manager, manager->socket()};
  Socket& socket = manager->socket(url::split_socketio(parsed).nsp, std::move(socket_options));
  return {std::move(manager), socket};
}

}  // namespace twinsock::sio
