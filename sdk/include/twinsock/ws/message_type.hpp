// The two kinds of WebSocket data message; the values are their opcodes (RFC 6455 §5.6).
#pragma once

#include <cstdint>

namespace twinsock::ws {

enum class MessageType : std::uint8_t { text = 0x1, binary = 0x2 };

}  // namespace twinsock::ws
