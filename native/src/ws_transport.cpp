// Placeholder until the RFC 6455 transport lands (same commit series).
#include "twinsock/ws/transport.hpp"

namespace twinsock::ws {
TransportFactory platform_transport_factory() { return {}; }
}  // namespace twinsock::ws
