#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <thread>
#include <vector>

#if defined(__unix__) && !defined(__EMSCRIPTEN__)
#include <sys/wait.h>
#include <unistd.h>
#endif

#include "util/chacha20.hpp"
#include "util/random.hpp"

namespace twinsock {
namespace {

// RFC 8439 §2.3.2: the block function's test vector.
TEST(ChaCha20, BlockMatchesRfc8439) {
  chacha20::Key key{};
  for (std::uint32_t i = 0; i < 8; ++i)  // bytes 00 01 02 ... 1f, little-endian words
    key[i] = (4 * i) | ((4 * i + 1) << 8) | ((4 * i + 2) << 16) | ((4 * i + 3) << 24);
  const chacha20::Nonce nonce = {0x09000000, 0x4a000000, 0x00000000};
  const chacha20::Block expected = {
      0x10, 0xf1, 0xe7, 0xe4, 0xd1, 0x3b, 0x59, 0x15, 0x50, 0x0f, 0xdd, 0x1f, 0xa3, 0x20, 0x71, 0xc4,
      0xc7, 0xd1, 0xf4, 0xc7, 0x33, 0xc0, 0x68, 0x03, 0x04, 0x22, 0xaa, 0x9a, 0xc3, 0xd4, 0x6c, 0x4e,
      0xd2, 0x82, 0x64, 0x46, 0x07, 0x9f, 0xaa, 0x09, 0x14, 0xc2, 0xd7, 0x05, 0xd9, 0x8b, 0x02, 0xa2,
      0xb5, 0x12, 0x9c, 0xd1, 0xde, 0x16, 0x4e, 0xb9, 0xcb, 0xd0, 0x83, 0xe8, 0xa2, 0x50, 0x3c, 0x4e};
  EXPECT_EQ(chacha20::block(key, 1, nonce), expected);
}

std::vector<std::uint8_t> draw(std::size_t n) {
  std::vector<std::uint8_t> out(n);
  system_random().fill(out);
  return out;
}

TEST(SystemRandom, FillsAcrossBlocksWithoutRepeating) {
  const auto a = draw(100);  // crosses a 64-byte block
  const auto b = draw(100);
  EXPECT_NE(a, b);
  EXPECT_NE(std::vector<std::uint8_t>(a.begin(), a.begin() + 50), std::vector<std::uint8_t>(a.begin() + 50, a.end()));
}

TEST(SystemRandom, EachThreadHasItsOwnStream) {
  const auto here = draw(32);
  std::vector<std::uint8_t> there;
  std::thread([&] { there = draw(32); }).join();
  EXPECT_NE(here, there);
}

#if defined(__unix__) && !defined(__EMSCRIPTEN__)
TEST(SystemRandom, AForkedChildDoesNotRepeatItsParentsMasks) {
  draw(10);  // the parent has a block in hand that the child would otherwise inherit
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    const auto mine = draw(64);
    const bool written = write(fds[1], mine.data(), mine.size()) == static_cast<ssize_t>(mine.size());
    _exit(written ? 0 : 1);
  }
  close(fds[1]);
  std::vector<std::uint8_t> childs(64);
  std::size_t got = 0;
  while (got < childs.size()) {
    const ssize_t n = read(fds[0], childs.data() + got, childs.size() - got);
    if (n <= 0) break;
    got += static_cast<std::size_t>(n);
  }
  close(fds[0]);
  int status = 0;
  waitpid(child, &status, 0);
  ASSERT_EQ(got, childs.size());
  EXPECT_NE(draw(64), childs);
}
#endif

}  // namespace
}  // namespace twinsock
