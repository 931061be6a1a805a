#include <gtest/gtest.h>

#include <string>

#include "codec/ws/buffer.hpp"

namespace twinsock::ws {
namespace {

TEST(WsByteBuffer, AppendsGrowsErasesAndResets) {
  ByteBuffer b;
  EXPECT_TRUE(b.empty());
  b.append({});
  EXPECT_EQ(b.capacity(), 0u);
  b.append(as_bytes("hello"));
  b.append(as_bytes(" world"));
  EXPECT_EQ(as_text(b.view()), "hello world");
  b.reserve(4);  // never shrinks
  EXPECT_GE(b.capacity(), 11u);
  b.erase_front(6);
  EXPECT_EQ(as_text(b.view()), "world");
  b.erase_front(99);
  EXPECT_TRUE(b.empty());
  const std::string big(100000, 'x');
  b.append(as_bytes(big));
  EXPECT_EQ(b.size(), big.size());
  b.reset(1000);  // grew past `keep`: memory freed
  EXPECT_EQ(b.capacity(), 0u);
  b.append(as_bytes("abc"));
  const std::size_t cap = b.capacity();
  b.reset(1000);  // small: memory kept
  EXPECT_EQ(b.capacity(), cap);
  b.append(as_bytes("xyz"));
  ByteBuffer moved = std::move(b);
  EXPECT_EQ(as_text(moved.view()), "xyz");
  EXPECT_TRUE(b.empty());  // NOLINT(bugprone-use-after-move): moved-from is empty
  EXPECT_EQ(b.capacity(), 0u);
}

}  // namespace
}  // namespace twinsock::ws
