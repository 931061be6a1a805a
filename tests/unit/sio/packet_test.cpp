#include <gtest/gtest.h>

#include "codec/sio/binary.hpp"
#include "codec/sio/packet.hpp"
#include "twinsock/error.hpp"

namespace twinsock::sio {
namespace {

using nlohmann::json;

std::error_code code(errc e) { return make_error_code(e); }
const std::error_code ok{};

TEST(SioPacket, TypeNames) {
  for (int i = 0; i <= 6; ++i) {
    const auto t = static_cast<PacketType>(i);
    EXPECT_EQ(packet_type_from_string(to_string(t)), t);
  }
  EXPECT_EQ(to_string(PacketType::binary_ack), "binary_ack");
  EXPECT_EQ(to_string(static_cast<PacketType>(9)), "unknown");
  EXPECT_FALSE(packet_type_from_string("error"));
}

TEST(SioPacket, PayloadRulesOfTheReference) {  // socket.io-parser isPayloadValid
  EXPECT_EQ(check_payload(PacketType::connect, nullptr), ok);
  EXPECT_EQ(check_payload(PacketType::connect, json::object()), ok);
  EXPECT_EQ(check_payload(PacketType::connect, json::array()), code(errc::sio_bad_payload));
  EXPECT_EQ(check_payload(PacketType::connect, "x"), code(errc::sio_bad_payload));
  EXPECT_EQ(check_payload(PacketType::disconnect, nullptr), ok);
  EXPECT_EQ(check_payload(PacketType::disconnect, json::object()), code(errc::sio_bad_payload));
  EXPECT_EQ(check_payload(PacketType::connect_error, "msg"), ok);
  EXPECT_EQ(check_payload(PacketType::connect_error, {{"message", "m"}}), ok);
  EXPECT_EQ(check_payload(PacketType::connect_error, nullptr), code(errc::sio_bad_payload));
  EXPECT_EQ(check_payload(PacketType::connect_error, 3), code(errc::sio_bad_payload));
  EXPECT_EQ(check_payload(PacketType::event, json::array({"a"})), ok);
  EXPECT_EQ(check_payload(PacketType::event, json::array({1.5})), ok);
  EXPECT_EQ(check_payload(PacketType::binary_event, json::array({"a"})), ok);
  EXPECT_EQ(check_payload(PacketType::event, json::array()), code(errc::sio_bad_payload));
  EXPECT_EQ(check_payload(PacketType::event, json::array({true})), code(errc::sio_bad_payload));
  EXPECT_EQ(check_payload(PacketType::event, json::array({json::array({"a"})})), code(errc::sio_bad_payload));
  EXPECT_EQ(check_payload(PacketType::event, nullptr), code(errc::sio_bad_payload));
  for (const char* name : {"connect", "connect_error", "disconnect", "disconnecting", "newListener", "removeListener"}) {
    EXPECT_TRUE(is_reserved_event(name));
    EXPECT_EQ(check_payload(PacketType::event, json::array({name})), code(errc::sio_bad_payload)) << name;
  }
  EXPECT_FALSE(is_reserved_event("message"));
  EXPECT_EQ(check_payload(PacketType::ack, json::array()), ok);
  EXPECT_EQ(check_payload(PacketType::binary_ack, json::array({1})), ok);
  EXPECT_EQ(check_payload(PacketType::ack, json::object()), code(errc::sio_bad_payload));
  EXPECT_EQ(check_payload(PacketType::ack, nullptr), code(errc::sio_bad_payload));
  EXPECT_EQ(check_payload(static_cast<PacketType>(7), nullptr), code(errc::sio_bad_packet_type));
}

TEST(SioPacket, Validate) {
  EXPECT_EQ(validate({PacketType::event, "/", 1, json::array({"a", json::binary({1})})}), ok);
  EXPECT_EQ(validate({PacketType::connect, ""}), ok);
  EXPECT_EQ(validate({PacketType::connect, "/a,b"}), code(errc::sio_bad_namespace));
  EXPECT_EQ(validate({PacketType::connect, "a"}), code(errc::sio_bad_namespace));
  EXPECT_EQ(validate({PacketType::connect, "/\xFF"}), code(errc::sio_bad_namespace));
  EXPECT_EQ(validate({static_cast<PacketType>(8), "/"}), code(errc::sio_bad_packet_type));
  EXPECT_EQ(validate({PacketType::event, "/", 9007199254740992ull, {"a"}}), code(errc::sio_bad_ack_id));
  EXPECT_EQ(validate({PacketType::connect_error, "/", {}, {{"d", json::binary({1})}}}), code(errc::sio_bad_payload));
  EXPECT_EQ(validate({PacketType::event, "/", {}, {"connect"}}), code(errc::sio_bad_payload));
}

TEST(SioBinary, HasAndCountBinary) {
  const json v = {{"a", json::array({json::binary({1}), 2, {{"b", json::binary(bytes{})}}})}};
  EXPECT_TRUE(has_binary(v));
  EXPECT_EQ(count_binary(v), 2u);
  EXPECT_FALSE(has_binary(json::parse("[1,{\"a\":[\"x\"]}]")));
  EXPECT_EQ(count_binary(json::binary({1})), 1u);
}

TEST(SioBinary, PlaceholderChecks) {
  EXPECT_TRUE(is_placeholder(json::parse(R"({"_placeholder":true,"num":0})")));
  EXPECT_FALSE(is_placeholder(json::parse(R"({"_placeholder":1,"num":0})")));
  EXPECT_FALSE(is_placeholder(json::parse(R"([true])")));
  EXPECT_EQ(check_placeholders(json::parse(R"([{"_placeholder":true,"num":1}])"), 2), ok);
  EXPECT_EQ(check_placeholders(json::parse(R"({"x":{"_placeholder":true,"num":2}})"), 2),
            code(errc::sio_bad_placeholder));
  EXPECT_EQ(check_placeholders(json::parse(R"([{"_placeholder":true,"num":1e300}])"), 2),
            code(errc::sio_bad_placeholder));
  EXPECT_EQ(check_placeholders(json::parse(R"([{"_placeholder":true,"num":null}])"), 2),
            code(errc::sio_bad_placeholder));
  EXPECT_EQ(check_placeholders(json::parse(R"([{"_placeholder":true,"num":-0.0}])"), 1), ok);
}

TEST(SioBinary, Reconstruct) {
  json v = json::parse(R"(["a",{"k":{"_placeholder":true,"num":1}},{"_placeholder":true,"num":0}])");
  const std::vector<bytes> attachments = {{1}, {2, 3}};
  ASSERT_EQ(reconstruct(v, attachments, 3), ok);
  EXPECT_EQ(v, json::array({"a", {{"k", json::binary({2, 3})}}, json::binary({1})}));
  json w = json::parse(R"([{"_placeholder":true,"num":1},{"_placeholder":true,"num":1}])");
  EXPECT_EQ(reconstruct(w, attachments, 3), code(errc::sio_packet_too_large));
}

}  // namespace
}  // namespace twinsock::sio
