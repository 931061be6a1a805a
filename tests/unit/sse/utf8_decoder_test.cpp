#include <gtest/gtest.h>

#include <string>

#include "codec/sse/utf8_decoder.hpp"
#include "support/hex.hpp"

namespace twinsock::sse {
namespace {

using testing::from_hex;
using testing::to_hex;

// Decodes `hex` whole, then byte by byte; both must give `expect_hex`.
void expect_decodes(const char* hex, const char* expect_hex) {
  const bytes in = *from_hex(hex);
  Utf8Decoder whole;
  std::string out;
  whole.decode(in, out);
  whole.flush(out);
  EXPECT_EQ(to_hex(as_bytes(out)), to_hex(*from_hex(expect_hex))) << hex;
  Utf8Decoder split;
  std::string out2;
  for (std::size_t i = 0; i < in.size(); ++i) split.decode(bytes_view(in).subspan(i, 1), out2);
  split.flush(out2);
  EXPECT_EQ(out2, out) << hex << " byte by byte";
}

TEST(SseUtf8Decoder, PassesValidTextThrough) {
  expect_decodes("", "");
  expect_decodes("41 42 43", "414243");
  expect_decodes("ce ba e1 bd b9 cf 83 ce bc ce b5", "cebae1bdb9cf83cebcceb5");  // κόσμε
  expect_decodes("f0 9f 98 80", "f09f9880");                                    // U+1F600
  expect_decodes("f4 8f bf bf", "f48fbfbf");                                    // U+10FFFF
  expect_decodes("ef bb bf 41", "efbbbf41");  // the decoder keeps a BOM: the parser drops it
}

// WHATWG Encoding: each maximal ill-formed subpart becomes one U+FFFD
// (the "U+FFFD substitution of maximal subparts" of Unicode §3.9).
TEST(SseUtf8Decoder, ReplacesEachMaximalIllFormedSubpart) {
  expect_decodes("80", "efbfbd");
  expect_decodes("41 80 bf 42", "41 efbfbd efbfbd 42");  // lone continuations: one each
  expect_decodes("c0 80", "efbfbd efbfbd");              // C0/C1 never start a sequence
  expect_decodes("c1 bf", "efbfbd efbfbd");
  expect_decodes("f5 80", "efbfbd efbfbd");
  expect_decodes("ff", "efbfbd");
  expect_decodes("e0 80 80", "efbfbd efbfbd efbfbd");  // overlong: E0 needs A0..BF
  expect_decodes("ed a0 80", "efbfbd efbfbd efbfbd");  // surrogate: ED needs 80..9F
  expect_decodes("f0 80 80 80", "efbfbd efbfbd efbfbd efbfbd");
  expect_decodes("f4 90 80 80", "efbfbd efbfbd efbfbd efbfbd");  // above U+10FFFF
  expect_decodes("e1 80 41", "efbfbd 41");                       // truncated, then ASCII is kept
  expect_decodes("f0 9f 98 41", "efbfbd 41");
  expect_decodes("e1 80 e1 80 80", "efbfbd e18080");  // the breaking byte starts afresh
  expect_decodes("c3", "efbfbd");                      // cut by the end of the stream
  expect_decodes("f0 9f 98", "efbfbd");
}

TEST(SseUtf8Decoder, HoldsAnUnfinishedSequenceUntilTheNextChunk) {
  Utf8Decoder d;
  std::string out;
  d.decode(*from_hex("41 e2 82"), out);
  EXPECT_EQ(out, "A");
  d.decode(*from_hex("ac"), out);
  EXPECT_EQ(out, "A\xE2\x82\xAC");  // €
  d.flush(out);
  EXPECT_EQ(out, "A\xE2\x82\xAC");
}

}  // namespace
}  // namespace twinsock::sse
