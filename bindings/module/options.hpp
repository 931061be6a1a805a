// The facade's options (socket.io-client's, partysocket's and EventSource's
// camelCase names, as JSON text) mapped onto the C++ option structs. The
// facade checks types and reports bad options; here a missing or mistyped
// field simply keeps its default.
#pragma once

#include <nlohmann/json.hpp>

#include "twinsock/sio/manager.hpp"
#include "twinsock/sse/client.hpp"
#include "twinsock/ws/client.hpp"

namespace twinsock::bindings {

sio::ManagerOptions manager_options(const nlohmann::json& o);
sio::SocketOptions socket_options(const nlohmann::json& o);
ws::ClientOptions ws_options(const nlohmann::json& o);
sse::ClientOptions sse_options(const nlohmann::json& o);

}  // namespace twinsock::bindings
