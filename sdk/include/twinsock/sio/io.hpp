// socket.io-client's io(url, opts) for C++: Managers shared per origin.
//
//   auto io = twinsock::sio::lookup(loop, "http://localhost:3000/chat");
//   twinsock::sio::Socket& chat = io->socket();   // the URL's namespace
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

/// Loop affinity: the loop's thread (the cache itself is locked, so loops on
/// different threads may use it at the same time).
std::shared_ptr<Manager> lookup(Loop& loop, const std::string& url, ManagerOptions options = {},
                                LookupOptions lookup_options = {});

}  // namespace twinsock::sio
