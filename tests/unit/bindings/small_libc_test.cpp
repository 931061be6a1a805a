// The npm module's small snprintf (against what libc's writes for the same formats) and strerror_r.
#include "small_libc.hpp"

#include <gtest/gtest.h>

#include <climits>
#include <cstdio>
#include <string>

namespace {

using twinsock::bindings::small_snprintf;

std::string format_small(const char* format, auto... args) {
  char buffer[128];
  const int n = small_snprintf(buffer, sizeof buffer, format, args...);
  EXPECT_EQ(n, static_cast<int>(std::string(buffer).size()));
  return buffer;
}

TEST(SmallSnprintf, WritesIntegersStringsAndCharactersAsLibcDoes) {
  char expected[128];
  std::snprintf(expected, sizeof expected, "Unknown error %d", -42);
  EXPECT_EQ(format_small("Unknown error %d", -42), expected);
  EXPECT_EQ(format_small("%d %i %u", INT_MIN, INT_MAX, UINT_MAX), "-2147483648 2147483647 4294967295");
  EXPECT_EQ(format_small("%ld|%lld|%zu|%llu", -7L, LLONG_MIN, std::size_t{12}, ULLONG_MAX),
            "-7|-9223372036854775808|12|18446744073709551615");
  EXPECT_EQ(format_small("[%s] %c 100%%", "text", 'x'), "[text] x 100%");
  EXPECT_EQ(format_small("%s", static_cast<const char*>(nullptr)), "(null)");
  EXPECT_EQ(format_small("%d", 0), "0");
}

TEST(SmallSnprintf, CopiesUnknownConversionsWithoutReadingArguments) {
  EXPECT_EQ(format_small("%f %5d %x then %s", "ok"), "%f %5d %x then ok");
  EXPECT_EQ(format_small("trailing %"), "trailing %");
  EXPECT_EQ(format_small("trailing %l"), "trailing %l");
}

TEST(SmallSnprintf, TruncatesAndReturnsTheFullLength) {
  char small[5] = "xxxx";
  EXPECT_EQ(small_snprintf(small, sizeof small, "abc%d", 12345), 8);
  EXPECT_STREQ(small, "abc1");
  char none[1] = {'x'};
  EXPECT_EQ(small_snprintf(none, 0, "abc"), 3);
  EXPECT_EQ(none[0], 'x');  // capacity 0: nothing written
  EXPECT_EQ(small_snprintf(none, 1, "abc"), 3);
  EXPECT_EQ(none[0], '\0');
}

}  // namespace

namespace {

TEST(SmallStrerror, NamesTheNumberAndFitsTheBuffer) {
  char buffer[32];
  EXPECT_EQ(twinsock::bindings::small_strerror_r(2, buffer, sizeof buffer), 0);
  EXPECT_STREQ(buffer, "system error 2");
  char tiny[7];
  EXPECT_EQ(twinsock::bindings::small_strerror_r(-1, tiny, sizeof tiny), 0);
  EXPECT_STREQ(tiny, "system");
}

}  // namespace
