// Socket.IO v5 encoder, default (JSON) parser: the socket.io-parser Encoder.
//
//   <type>[<attachments>-][<nsp>,][<ack id>][<JSON payload>]
//
// - EVENT / ACK whose data holds binary become BINARY_EVENT / BINARY_ACK; each
//   binary value is replaced by {"_placeholder":true,"num":N} and sent after the
//   header as attachment N (socket.io-parser deconstructPacket), numbered in the
//   order the payload is written. BINARY_EVENT / BINARY_ACK without any binary
//   value are written as EVENT / ACK: socket.io-parser 4.2.7 refuses a count of 0.
// - The namespace is written (followed by ',') only when it is not "" or "/".
// - The payload is written unless it is absent (null), with JSON.stringify's
//   formatting (codec/json/writer.hpp). Objects come out in nlohmann's sorted key order.
// - Binary inside CONNECT / DISCONNECT / CONNECT_ERROR cannot be an attachment:
//   it is written as Node's Buffer JSON ({"type":"Buffer","data":[...]}), which
//   is what the reference sends for a Buffer there. validate() refuses it.
// The encoder does not validate (see validate() in packet.hpp).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "codec/sio/packet.hpp"
#include "twinsock/bytes.hpp"

namespace twinsock::sio {

struct EncodedPacket {
  std::string text;                // one Engine.IO text message (the header packet)
  std::vector<bytes> attachments;  // then one Engine.IO binary message each, in order
};

EncodedPacket encode(const Packet& packet);

/// An EVENT whose arguments are already JSON text: `args_json` is a JSON array
/// without binary values (JSON.stringify's output, say), spliced in as it is
/// after the event name. Not checked here: the caller has (check_json).
std::string encode_event(std::string_view nsp, std::optional<std::uint64_t> id, std::string_view event,
                         std::string_view args_json);

}  // namespace twinsock::sio
