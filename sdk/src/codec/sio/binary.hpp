// Binary attachments of the JSON parser (socket.io-parser binary.ts): binary
// values travel as placeholders {"_placeholder":true,"num":N} in the header
// packet, each followed by its bytes as its own Engine.IO binary message.
// Deconstruction happens while writing (codec/json/writer.hpp); this is the other half.
#pragma once

#include <cstddef>
#include <system_error>
#include <vector>

#include <nlohmann/json.hpp>

#include "twinsock/bytes.hpp"

namespace twinsock::sio {

/// True when a json::binary_t occurs anywhere in `value` (socket.io-parser hasBinary).
bool has_binary(const nlohmann::json& value) noexcept;

/// How many json::binary_t values occur in `value` (each becomes one attachment).
std::size_t count_binary(const nlohmann::json& value) noexcept;

/// An object whose "_placeholder" member is `true` (the reference's test; extra members are ignored).
bool is_placeholder(const nlohmann::json& value) noexcept;

/// Every placeholder's "num" must be an integer in [0, attachments): sio_bad_placeholder.
/// (The reference only checks `typeof num === "number"` and the range, and yields
/// `undefined` for 0.5; an integral float such as 1.0 is the number 1 in JS and is accepted.)
std::error_code check_placeholders(const nlohmann::json& value, std::size_t attachments) noexcept;

/// Replaces each placeholder (already checked) with its attachment. The same
/// attachment may be referenced more than once (the reference allows it); since
/// each reference is a copy here, the bytes written into `value` are capped by
/// `max_bytes`: sio_packet_too_large beyond it.
std::error_code reconstruct(nlohmann::json& value, const std::vector<bytes>& attachments, std::size_t max_bytes);

}  // namespace twinsock::sio
