// The native WebSocket transport: RFC 6455 over a Stream (TCP or TLS, maybe
// through a proxy), with our HTTP upgrade and frame codecs, permessage-deflate,
// the closing handshake and its timeout. One connection; no reconnection (that
// is ws::Client's job).
#pragma once

#include <memory>

#include "twinsock/native/poll_loop.hpp"
#include "twinsock/ws/transport.hpp"

namespace twinsock::native {

std::unique_ptr<ws::Transport> make_ws_transport(PollLoop& loop, const ws::ConnectParams& params,
                                                 ws::TransportEvents& events);

}  // namespace twinsock::native
