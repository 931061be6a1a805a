// socket.io-msgpack-parser (v3, Socket.IO protocol v5): each packet is ONE
// MessagePack map sent as one Engine.IO binary message; binary values are
// MessagePack bin, so there are no attachments and no BINARY_* types.
//
// Encoding: the map {"type", "data"?, "nsp", "id"?} in that order (the reference
// encodes the JS packet object as is; key order carries no meaning). "data" is
// left out when absent; "nsp" is "/" for an empty namespace; BINARY_EVENT /
// BINARY_ACK are written as EVENT / ACK (types 5 and 6 do not exist here).
// Values follow notepack.io (msgpack_value.hpp).
//
// Decoding follows the reference's checkPacket, with the payload rules of the
// JSON parser (check_payload(); the reference only asks EVENT / ACK for an array):
//  - input over Limits::max_packet_bytes: msgpack_too_large; MessagePack errors
//    as in msgpack_value.hpp, nesting limited by max_json_depth (the packet map
//    is depth 1), bin values by max_attachments (sio_too_many_attachments);
//  - not a map: msgpack_not_a_packet;
//  - "type" missing or not an integer 0..4: sio_bad_packet_type;
//  - "nsp" missing or not a string: sio_bad_namespace;
//  - "data" = nil is a present null payload: sio_bad_payload (undefined = absent);
//  - "id" present and not an integer in [0, max_ack_id]: sio_bad_ack_id
//    (the reference accepts any integer, negative ones too);
//  - other members (the JS client also sends "options") are ignored.
#pragma once

#include <system_error>

#include "codec/sio/packet.hpp"
#include "twinsock/bytes.hpp"

namespace twinsock::sio {

bytes encode_msgpack(const Packet& packet);

/// Decodes one Engine.IO binary message. `packet` is only written on success.
std::error_code decode_msgpack(bytes_view message, Packet& packet, const Limits& limits = {});

}  // namespace twinsock::sio
