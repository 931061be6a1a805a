// socket.io-client's io(url, opts) for C++: Managers shared per origin.
//
//   auto chat = twinsock::sio::io(loop, "http://localhost:3000/chat");
//   chat.socket.emit("hello");                    // the URL's namespace, /chat
//   auto admin = twinsock::sio::io(loop, "http://localhost:3000/admin");
//   // admin.manager == chat.manager: one connection, two namespaces
//
// Two lookups of the same origin and Engine.IO path on the same loop share one
// Manager (one connection, namespaces multiplexed) while either keeps it alive;
// `force_new` or `multiplex = false` always make a new one.
#pragma once

#include <memory>
#include <string>

#include "twinsock/sio/manager.hpp"

namespace twinsock::sio {

struct LookupOptions {
  bool force_new = false;
  bool multiplex = true;
};

/// The Manager for `url`: a shared one is the first lookup's, so its socket() is the
/// first URL's namespace; io() gives each URL its own.
/// Loop affinity: the loop's thread (the cache itself is locked, so loops on
/// different threads may use it at the same time).
std::shared_ptr<Manager> lookup(Loop& loop, const std::string& url, ManagerOptions options = {},
                                LookupOptions lookup_options = {});

/// What io() returns: the Socket belongs to the Manager, so hold `manager` as long as
/// `socket` is used.
struct IoSocket {
  std::shared_ptr<Manager> manager;
  Socket& socket;
};

/// socket.io-client's io(url, opts): the Socket of `url`'s namespace (with
/// `options.socket`, when this call makes it) on the Manager lookup() gives.
IoSocket io(Loop& loop, const std::string& url, ManagerOptions options = {}, LookupOptions lookup_options = {});

}  // namespace twinsock::sio
