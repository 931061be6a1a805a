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

/// Milliseconds from JavaScript (not negative) as a Duration, at most 1e12 ms (31 years):
/// Infinity and larger numbers would not fit the clock's nanoseconds.
Duration duration_from_ms(double ms);

/// A boolean field of the facade's options; false when absent or not a boolean.
bool option_flag(const nlohmann::json& o, const char* name);

sio::ManagerOptions manager_options(const nlohmann::json& o);
/// The Engine.IO part of manager_options() (transports, path, query, extraHeaders, ...);
/// `query` and `extraHeaders`, when given, replace the ones in `e`.
void read_engine_options(const nlohmann::json& o, eio::SocketOptions& e);
/// Only the options socket.io-client's Manager setters change (reconnection,
/// reconnectionAttempts, reconnectionDelay, reconnectionDelayMax, randomizationFactor, timeout).
void read_reconnection_options(const nlohmann::json& o, sio::ManagerOptions& m);
/// One of those six, by its index in that list, as JavaScript reads it
/// (a boolean as 0 or 1, unlimited attempts as Infinity, durations in ms).
double reconnection_option(const sio::ManagerOptions& m, int index);
sio::SocketOptions socket_options(const nlohmann::json& o);
ws::ClientOptions ws_options(const nlohmann::json& o);
sse::ClientOptions sse_options(const nlohmann::json& o);

}  // namespace twinsock::bindings
