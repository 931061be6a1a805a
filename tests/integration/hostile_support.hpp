// What the hostile-peer tests share: 100 MiB floods, the check that the client
// cut one short, and the line each test prints (error, bytes taken, heap).
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdio>
#include <string>

#include "scripted_peer.hpp"

namespace twinsock::testing {

inline constexpr std::uint64_t kFloodBytes = 100u << 20;
inline constexpr std::size_t kSlack = 1 << 20;  // heap the client may use beyond the limit under test

/// The heap a std::string filled up to `limit` bytes may take: grown geometrically,
/// its last reallocation briefly holds the old buffer and one twice as large.
inline constexpr std::size_t grown_string(std::size_t limit) { return 3 * limit; }

/// `unit` repeated into 64 KiB chunks, offered until 100 MiB are written.
inline ScriptedPeer::Step flood(const std::string& unit) {
  std::string chunk;
  while (chunk.size() + unit.size() <= 64 * 1024) chunk += unit;
  return {chunk, 0, static_cast<std::size_t>(kFloodBytes / chunk.size())};
}

/// The client stopped taking a flood: the script ended before all of it was written.
inline void expect_flood_cut(const ScriptedPeer& peer) {
  ASSERT_TRUE(peer.wait_for_script()) << "the peer is still writing";
  EXPECT_LT(peer.bytes_written(), kFloodBytes);
  std::printf("[hostile] %s: the client took %llu bytes of the 100 MiB flood\n",
              ::testing::UnitTest::GetInstance()->current_test_info()->name(),
              static_cast<unsigned long long>(peer.bytes_written()));
}

inline void report(const std::string& outcome, std::size_t heap_growth) {
  std::printf("[hostile] %s: %s; heap grew %zu bytes\n", ::testing::UnitTest::GetInstance()->current_test_info()->name(),
              outcome.empty() ? "no error" : outcome.c_str(), heap_growth);
}

}  // namespace twinsock::testing
