// Placeholder until the RFC 6455 transport lands (same commit series).
#include "twinsock/ws/transport.hpp"

namespace twinsock::ws {
TransportFactory platform_transport_factory() { return {}; }
}  // namespace twinsock::ws

#include "twinsock/http_transport.hpp"
namespace twinsock {
HttpTransportFactory platform_http_factory() { return {}; }
}  // namespace twinsock
