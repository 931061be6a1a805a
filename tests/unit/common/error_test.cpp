#include <gtest/gtest.h>

#include <set>
#include <string>

#include "twinsock/error.hpp"

namespace twinsock {
namespace {

TEST(Error, CodesCarryStableIdsMessagesAndCloseCodes) {
  const std::error_code ec = errc::ws_invalid_utf8;
  EXPECT_EQ(ec.category().name(), std::string("twinsock"));
  EXPECT_EQ(error_id(ec), "TWINSOCK_ERR_WS_INVALID_UTF8");
  EXPECT_EQ(ec.message(), "text message is not valid UTF-8");
  EXPECT_EQ(close_code_for(ec), 1007);
  EXPECT_EQ(close_code_for(errc::ws_message_too_big), 1009);
  EXPECT_EQ(close_code_for(errc::ws_bad_opcode), 1002);
  EXPECT_EQ(close_code_for(errc::url_empty), 0);
}

TEST(Error, CodesRollUpToConditions) {
  EXPECT_EQ(std::error_code(errc::ws_masked_frame), condition::protocol_violation);
  EXPECT_EQ(std::error_code(errc::sse_line_too_long), condition::limit_exceeded);
  EXPECT_EQ(std::error_code(errc::ws_handshake_bad_accept), condition::handshake_failed);
  EXPECT_NE(std::error_code(errc::ws_handshake_bad_accept), condition::protocol_violation);
  EXPECT_EQ(make_error_condition(condition::timeout).message(), "timed out");
}

TEST(Error, EveryCodeHasAUniqueWellFormedIdThatRoundTrips) {
  std::set<std::string> seen;
  for (int value = 1;; ++value) {
    const auto e = static_cast<errc>(value);
    const std::string id(error_id(e));
    if (id == "TWINSOCK_ERR_UNKNOWN") break;
    EXPECT_EQ(id.rfind("TWINSOCK_ERR_", 0), 0u) << id;
    EXPECT_TRUE(seen.insert(id).second) << "duplicate id " << id;
    EXPECT_EQ(errc_from_id(id), e) << id;
    EXPECT_NE(std::error_code(e).message(), "unknown twinsock error") << id;
  }
  EXPECT_GT(seen.size(), 50u);
}

TEST(Error, NoErrorAndForeignCodes) {
  EXPECT_EQ(error_id(std::error_code{}), "TWINSOCK_OK");
  EXPECT_EQ(error_id(std::make_error_code(std::errc::connection_refused)), "TWINSOCK_ERR_SYSTEM");
  EXPECT_EQ(close_code_for(std::make_error_code(std::errc::connection_refused)), 0);
  EXPECT_EQ(errc_from_id("NOT_AN_ID"), errc::ok);
  EXPECT_EQ(std::error_code(static_cast<errc>(99999)).message(), "unknown twinsock error");
}

}  // namespace
}  // namespace twinsock
