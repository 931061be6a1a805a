#include <gtest/gtest.h>

#include "codec/ws/mask.hpp"
#include "twinsock/bytes.hpp"

namespace twinsock::ws {
namespace {

TEST(WsMask, Rfc6455Example) {  // RFC 6455 §5.7: "Hello" with key 37 fa 21 3d
  const MaskKey key = {0x37, 0xfa, 0x21, 0x3d};
  const bytes hello = {'H', 'e', 'l', 'l', 'o'};
  bytes out(5);
  mask_copy(out.data(), hello.data(), hello.size(), key);
  EXPECT_EQ(out, (bytes{0x7f, 0x9f, 0x4d, 0x51, 0x58}));
  mask_copy(out.data(), out.data(), out.size(), key);  // in place, and masking twice restores
  EXPECT_EQ(out, hello);
}

TEST(WsMask, WordAtATimeMatchesBytewiseForEverySizeOffsetAndAlignment) {
  const MaskKey key = {0x01, 0x80, 0xfe, 0x5a};
  bytes src(80);
  for (std::size_t i = 0; i < src.size(); ++i) src[i] = static_cast<std::uint8_t>(i * 37 + 11);
  for (std::size_t align = 0; align < 8; ++align) {
    for (std::size_t size = 0; size + align <= src.size(); ++size) {
      for (std::size_t offset = 0; offset < 4; ++offset) {
        bytes out(size + 8, 0xcc);
        mask_copy(out.data() + align % 3, src.data() + align, size, key, offset);
        for (std::size_t i = 0; i < size; ++i) {
          ASSERT_EQ(out[align % 3 + i], src[align + i] ^ key[(offset + i) % 4]) << size << " " << offset;
        }
        ASSERT_EQ(out[align % 3 + size], 0xcc);  // nothing written past the end
      }
    }
  }
}

}  // namespace
}  // namespace twinsock::ws
