// The Socket.IO connection options that `twinsock io` and `twinsock bench` share:
// --path, --auth, --query, --transports, --parser.
#pragma once

#include <string>

#include "options.hpp"
#include "twinsock/sio/manager.hpp"

namespace twinsock::cli {

/// Reads `arg` into `out` when it is one of the shared options; false when it is not.
/// A bad value sets `error`.
bool parse_manager_option(ArgReader& args, const std::string& arg, sio::ManagerOptions& out, std::string& error);

/// The common options that apply to a Manager: -H, TLS, --proxy, --max-message
/// (the largest Engine.IO message and Socket.IO packet).
void apply_common_options(const CommonOptions& common, sio::ManagerOptions& out);

}  // namespace twinsock::cli
