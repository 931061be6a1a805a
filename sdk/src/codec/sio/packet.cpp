#include "codec/sio/packet.hpp"

#include <array>

#include "codec/sio/binary.hpp"
#include "twinsock/error.hpp"
#include "util/utf8.hpp"

namespace twinsock::sio {
namespace {

using nlohmann::json;

constexpr std::array<std::string_view, 7> type_names = {"connect",       "disconnect",   "event",     "ack",
                                                        "connect_error", "binary_event", "binary_ack"};

// socket.io-parser lib/index.ts RESERVED_EVENTS.
constexpr std::array<std::string_view, 6> reserved_events = {"connect",       "connect_error",  "disconnect",
                                                             "disconnecting", "newListener", "removeListener"};

std::error_code bad_payload() noexcept { return make_error_code(errc::sio_bad_payload); }

}  // namespace

std::string_view to_string(PacketType type) noexcept {
  const auto i = static_cast<std::size_t>(type);
  return i < type_names.size() ? type_names[i] : std::string_view("unknown");
}

std::optional<PacketType> packet_type_from_string(std::string_view name) noexcept {
  for (std::size_t i = 0; i < type_names.size(); ++i)
    if (type_names[i] == name) return static_cast<PacketType>(i);
  return std::nullopt;
}

bool is_reserved_event(std::string_view name) noexcept {
  for (auto r : reserved_events)
    if (r == name) return true;
  return false;
}

std::error_code check_payload(PacketType type, const json& data) noexcept {
  const bool present = !data.is_null() && !data.is_discarded();
  switch (type) {
    case PacketType::connect:
      return !present || data.is_object() ? std::error_code{} : bad_payload();
    case PacketType::disconnect:
      return present ? bad_payload() : std::error_code{};
    case PacketType::connect_error:
      return data.is_object() || data.is_string() ? std::error_code{} : bad_payload();
    case PacketType::event:
    case PacketType::binary_event: {
      if (!data.is_array() || data.empty()) return bad_payload();
      const json& name = data.front();
      if (name.is_number()) return {};
      if (name.is_string() && !is_reserved_event(*name.get_ptr<const json::string_t*>())) return {};
      return bad_payload();
    }
    case PacketType::ack:
    case PacketType::binary_ack:
      return data.is_array() ? std::error_code{} : bad_payload();
  }
  return make_error_code(errc::sio_bad_packet_type);
}

bool is_valid_namespace(std::string_view nsp) noexcept {
  if (nsp.empty()) return true;
  return nsp.front() == '/' && nsp.find(',') == std::string_view::npos && utf8::is_valid(as_bytes(nsp));
}

std::error_code validate(const Packet& packet) noexcept {
  if (static_cast<std::size_t>(packet.type) >= type_names.size()) return make_error_code(errc::sio_bad_packet_type);
  if (!is_valid_namespace(packet.nsp)) return make_error_code(errc::sio_bad_namespace);
  if (packet.id && *packet.id > Limits{}.max_ack_id) return make_error_code(errc::sio_bad_ack_id);
  if (auto ec = check_payload(packet.type, packet.data)) return ec;
  const bool binary_ok = packet.type == PacketType::event || packet.type == PacketType::ack ||
                         packet.type == PacketType::binary_event || packet.type == PacketType::binary_ack;
  if (!binary_ok && has_binary(packet.data)) return bad_payload();
  return {};
}

}  // namespace twinsock::sio
