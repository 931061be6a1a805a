#include <gtest/gtest.h>

#include "codec/ws/constants.hpp"
#include "twinsock/error.hpp"

namespace twinsock::ws {
namespace {

TEST(WsCloseCode, ValidOnTheWireFollowsRfc6455AndIana) {  // RFC 6455 §7.4
  for (std::uint32_t code = 0; code <= 0xFFFF; ++code) {
    const bool expected = (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) ||
                          (code >= 3000 && code <= 4999);
    EXPECT_EQ(is_valid_close_code_on_wire(static_cast<std::uint16_t>(code)), expected) << code;
  }
  EXPECT_FALSE(is_valid_close_code_on_wire(close_code::no_status));
  EXPECT_FALSE(is_valid_close_code_on_wire(close_code::abnormal));
  EXPECT_FALSE(is_valid_close_code_on_wire(close_code::tls_handshake));
  EXPECT_FALSE(is_valid_close_code_on_wire(close_code::reserved));
  EXPECT_TRUE(is_valid_close_code_on_wire(close_code::bad_gateway));
}

TEST(WsCloseCode, ConstantsHaveTheirRegisteredValues) {
  EXPECT_EQ(close_code::normal, 1000);
  EXPECT_EQ(close_code::going_away, 1001);
  EXPECT_EQ(close_code::protocol_error, 1002);
  EXPECT_EQ(close_code::unsupported_data, 1003);
  EXPECT_EQ(close_code::no_status, 1005);
  EXPECT_EQ(close_code::abnormal, 1006);
  EXPECT_EQ(close_code::invalid_payload, 1007);
  EXPECT_EQ(close_code::policy_violation, 1008);
  EXPECT_EQ(close_code::message_too_big, 1009);
  EXPECT_EQ(close_code::mandatory_extension, 1010);
  EXPECT_EQ(close_code::internal_error, 1011);
  EXPECT_EQ(close_code::service_restart, 1012);
  EXPECT_EQ(close_code::try_again_later, 1013);
  EXPECT_EQ(close_code::bad_gateway, 1014);
  EXPECT_EQ(close_code::tls_handshake, 1015);
}

TEST(WsOpcode, KnownAndControlOpcodes) {  // RFC 6455 §5.2
  for (int op = 0; op < 16; ++op) {
    EXPECT_EQ(is_known_opcode(static_cast<std::uint8_t>(op)), op <= 2 || (op >= 8 && op <= 10)) << op;
  }
  EXPECT_TRUE(is_control(Opcode::close));
  EXPECT_TRUE(is_control(Opcode::ping));
  EXPECT_TRUE(is_control(Opcode::pong));
  EXPECT_FALSE(is_control(Opcode::continuation));
  EXPECT_FALSE(is_control(Opcode::text));
  EXPECT_FALSE(is_control(Opcode::binary));
}

TEST(WsErrors, FramingErrorsCarryTheRightCloseCode) {  // RFC 6455 §7.4.1
  const std::pair<errc, std::uint16_t> table[] = {
      {errc::ws_masked_frame, 1002},         {errc::ws_reserved_bits, 1002},
      {errc::ws_bad_opcode, 1002},           {errc::ws_bad_length, 1002},
      {errc::ws_control_too_long, 1002},     {errc::ws_control_fragmented, 1002},
      {errc::ws_unexpected_continuation, 1002}, {errc::ws_expected_continuation, 1002},
      {errc::ws_message_too_big, 1009},      {errc::ws_invalid_utf8, 1007},
      {errc::ws_bad_close_payload, 1002},    {errc::ws_bad_close_code, 1002},
      {errc::ws_invalid_close_reason, 1007}, {errc::ws_frame_after_close, 1002},
      {errc::ws_inflate_failed, 1007},       {errc::ws_inflate_too_big, 1009},
      // local misuse never closes the connection by itself
      {errc::ws_close_code_not_sendable, 0}, {errc::ws_close_reason_too_long, 0},
      {errc::ws_close_reason_not_utf8, 0},   {errc::ws_control_payload_too_long, 0},
  };
  for (auto [e, code] : table) EXPECT_EQ(close_code_for(e), code) << error_id(e);
  EXPECT_EQ(std::error_code(errc::ws_message_too_big), condition::limit_exceeded);
  EXPECT_EQ(std::error_code(errc::ws_invalid_utf8), condition::protocol_violation);
  EXPECT_EQ(std::error_code(errc::ws_close_reason_too_long), condition::invalid_argument);
  EXPECT_EQ(error_id(errc::ws_close_code_not_sendable), "TWINSOCK_ERR_WS_CLOSE_CODE_NOT_SENDABLE");
}

}  // namespace
}  // namespace twinsock::ws
