#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "codec/sse/parser.hpp"
#include "twinsock/error.hpp"

namespace twinsock::sse {

// Readable failure messages (found by ADL through std::variant's alternatives).
static void PrintTo(const Message& m, std::ostream* os) {
  *os << "Message{type=\"" << m.type << "\", data=\"" << m.data << "\", id=\"" << m.id << "\"}";
}
static void PrintTo(const Retry& r, std::ostream* os) { *os << "Retry{" << r.ms << "}"; }

namespace {

struct Result {
  std::vector<Event> events;
  std::error_code error;
  std::string last_event_id;
  bool operator==(const Result&) const = default;
};

Result run(const std::vector<std::string_view>& chunks, ParserLimits limits = {}) {
  Parser parser(limits);
  Result r;
  for (auto chunk : chunks) {
    r.error = parser.feed(as_bytes(chunk), r.events);
    if (r.error) break;
  }
  r.last_event_id = parser.last_event_id();
  return r;
}

// Parses `input` whole, then at every two-way split and byte by byte, and
// checks every way gives the same result.
Result parse(std::string_view input, ParserLimits limits = {}) {
  const Result whole = run({input}, limits);
  for (std::size_t at = 1; at < input.size(); ++at) {
    EXPECT_EQ(run({input.substr(0, at), input.substr(at)}, limits), whole) << "split at " << at;
  }
  std::vector<std::string_view> singles;
  for (std::size_t i = 0; i < input.size(); ++i) singles.push_back(input.substr(i, 1));
  EXPECT_EQ(run(singles, limits), whole) << "byte by byte";
  return whole;
}

Event msg(std::string data, std::string type = "message", std::string id = "") {
  return Message{std::move(type), std::move(data), std::move(id)};
}

using Events = std::vector<Event>;

// --- WHATWG HTML §9.2.5/§9.2.6 examples ---

TEST(SseParser, StockTickerExampleJoinsDataLinesWithLf) {
  EXPECT_EQ(parse("data: YHOO\ndata: +2\ndata: 10\n\n").events, Events{msg("YHOO\n+2\n10")});
}

TEST(SseParser, IdExampleSetsAndResetsTheLastEventId) {
  const Result r = parse(": test stream\n\ndata: first event\nid: 1\n\ndata:second event\nid\n\ndata:  third event\n\n");
  EXPECT_EQ(r.events, (Events{msg("first event", "message", "1"), msg("second event"), msg(" third event")}));
  EXPECT_EQ(r.last_event_id, "");
}

TEST(SseParser, EmptyDataExampleFiresEmptyAndNewlineAndDropsTheUnterminatedBlock) {
  EXPECT_EQ(parse("data\n\ndata\ndata\n\ndata:").events, (Events{msg(""), msg("\n")}));
}

TEST(SseParser, OneSpaceAfterTheColonIsIgnored) {
  EXPECT_EQ(parse("data:test\n\ndata: test\n\n").events, (Events{msg("test"), msg("test")}));
}

TEST(SseParser, EventTypesExample) {
  EXPECT_EQ(parse("event: add\ndata: 73857293\n\nevent: remove\ndata: 2153\n\nevent: add\ndata: 113411\n\n").events,
            (Events{msg("73857293", "add"), msg("2153", "remove"), msg("113411", "add")}));
}

// --- line endings, BOM, comments ---

TEST(SseParser, AcceptsCrLfAndCrlfLineEndings) {
  EXPECT_EQ(parse("data: a\r\ndata: b\rdata: c\n\r\n").events, Events{msg("a\nb\nc")});
  EXPECT_EQ(parse("data: a\r\rdata: b\n\n").events, (Events{msg("a"), msg("b")}));  // CR CR = two ends
  EXPECT_EQ(parse("data: a\n\r\n\rdata: b\r\r").events, (Events{msg("a"), msg("b")}));
}

TEST(SseParser, CrAtTheEndOfAChunkAndLfAtTheStartOfTheNextAreOneLineEnding) {
  Parser p;
  Events out;
  EXPECT_FALSE(p.feed(as_bytes("data: a\r"), out));
  EXPECT_FALSE(p.feed(as_bytes("\ndata: b\r"), out));
  EXPECT_TRUE(out.empty());
  EXPECT_FALSE(p.feed(as_bytes("\n\r\n"), out));
  EXPECT_EQ(out, Events{msg("a\nb")});
}

TEST(SseParser, SkipsOneBomOnlyAtTheStreamStart) {
  EXPECT_EQ(parse("\xEF\xBB\xBF" "data: a\n\n").events, Events{msg("a")});
  // A second BOM is part of the field name, so the line is an unknown field.
  EXPECT_EQ(parse("\xEF\xBB\xBF\xEF\xBB\xBF" "data: a\n\ndata: b\n\n").events, Events{msg("b")});
  // Later BOMs are ordinary text.
  EXPECT_EQ(parse("data: \xEF\xBB\xBF\n\n").events, Events{msg("\xEF\xBB\xBF")});
}

TEST(SseParser, SkipsABomSplitAcrossChunks) {
  Parser p;
  Events out;
  EXPECT_FALSE(p.feed(as_bytes("\xEF"), out));
  EXPECT_FALSE(p.feed(as_bytes("\xBB"), out));
  EXPECT_FALSE(p.feed(as_bytes("\xBF" "data: x\n\n"), out));
  EXPECT_EQ(out, Events{msg("x")});
}

TEST(SseParser, IgnoresCommentsAndUnknownFields) {
  EXPECT_EQ(parse(":comment\n: another\ndata: a\n:data: no\nfoo: bar\ndatas: x\nDATA: y\n\n").events,
            Events{msg("a")});
  EXPECT_EQ(parse(":only a comment\n\n").events, Events{});
}

TEST(SseParser, AFieldWithoutColonHasAnEmptyValue) {
  EXPECT_EQ(parse("data\ndata\n\n").events, Events{msg("\n")});
  EXPECT_EQ(parse("event\ndata: x\n\n").events, Events{msg("x")});
}

TEST(SseParser, SplitsAtTheFirstColonAndRemovesOnlyOneSpace) {
  EXPECT_EQ(parse("data: a: b:c\n\n").events, Events{msg("a: b:c")});
  EXPECT_EQ(parse("data:  two\n\n").events, Events{msg(" two")});
  EXPECT_EQ(parse("data:\tx\n\n").events, Events{msg("\tx")});
  EXPECT_EQ(parse("data :x\n\n").events, Events{});  // the name is "data "
}

// --- event, id, retry ---

TEST(SseParser, EventTypeDefaultsToMessageAndIsResetAfterEachDispatch) {
  EXPECT_EQ(parse("event: ping\ndata: 1\n\ndata: 2\n\nevent:\ndata: 3\n\n").events,
            (Events{msg("1", "ping"), msg("2"), msg("3")}));
  EXPECT_EQ(parse("event: a\nevent: b\ndata: x\n\n").events, Events{msg("x", "b")});  // the last one wins
}

TEST(SseParser, ABlockWithoutDataDispatchesNothingAndResetsTheType) {
  EXPECT_EQ(parse("event: lonely\n\ndata: x\n\n").events, Events{msg("x")});
}

TEST(SseParser, TheLastEventIdPersistsAcrossEvents) {
  const Result r = parse("id: 7\ndata: a\n\ndata: b\n\n");
  EXPECT_EQ(r.events, (Events{msg("a", "message", "7"), msg("b", "message", "7")}));
  EXPECT_EQ(r.last_event_id, "7");
}

TEST(SseParser, ABlankLineCommitsTheIdEvenWithoutData) {
  const Result r = parse("id: 42\n\n");
  EXPECT_EQ(r.events, Events{});
  EXPECT_EQ(r.last_event_id, "42");
}

TEST(SseParser, AnIdIsOnlyCommittedByABlankLine) {
  EXPECT_EQ(parse("id: 1\n\nid: 2\ndata: x").last_event_id, "1");
}

TEST(SseParser, AnEmptyIdResetsTheLastEventId) {
  const Result r = parse("id: 1\ndata: a\n\nid:\ndata: b\n\n");
  EXPECT_EQ(r.events, (Events{msg("a", "message", "1"), msg("b")}));
  EXPECT_EQ(r.last_event_id, "");
}

TEST(SseParser, AnIdContainingNulIsIgnored) {
  using namespace std::string_literals;
  const Result r = parse("id: 1\n\nid: a\0b\ndata: x\n\n"s);
  EXPECT_EQ(r.events, Events{msg("x", "message", "1")});
  EXPECT_EQ(r.last_event_id, "1");
}

TEST(SseParser, RetryTakesOnlyAsciiDigits) {
  EXPECT_EQ(parse("retry: 1000\n").events, Events{Retry{1000}});
  EXPECT_EQ(parse("retry:0\n").events, Events{Retry{0}});
  EXPECT_EQ(parse("retry: 007\n").events, Events{Retry{7}});
  EXPECT_EQ(parse("retry: 1.5\nretry: -1\nretry: 10 \nretry:  10\nretry: x\nretry:\nretry\n").events, Events{});
  EXPECT_EQ(parse("retry: \xD9\xA3\n").events, Events{});  // ARABIC-INDIC DIGIT THREE is not ASCII
}

TEST(SseParser, RetryIsReportedAtOnceInStreamOrder) {
  EXPECT_EQ(parse("data: a\nretry: 5\n\nretry: 6\n").events, (Events{Retry{5}, msg("a"), Retry{6}}));
}

TEST(SseParser, AHugeRetrySaturates) {
  EXPECT_EQ(parse("retry: 18446744073709551615\n").events, Events{Retry{UINT64_MAX}});
  EXPECT_EQ(parse("retry: 99999999999999999999999\n").events, Events{Retry{UINT64_MAX}});
  EXPECT_EQ(parse("retry: 18446744073709551616\n").events, Events{Retry{UINT64_MAX}});
}

// --- end of stream ---

TEST(SseParser, FinishDiscardsAnIncompleteEventButKeepsTheLastEventId) {
  Parser p;
  Events out;
  EXPECT_FALSE(p.feed(as_bytes("id: 3\n\nid: 4\nevent: e\ndata: half"), out));
  p.finish();
  EXPECT_EQ(p.last_event_id(), "3");
  EXPECT_EQ(p.buffered_data_size(), 0u);
  // The next stream (a reconnection) starts clean, with the ID still in force
  // and a new BOM allowed.
  EXPECT_FALSE(p.feed(as_bytes("\xEF\xBB\xBF" "data: b\n\n"), out));
  EXPECT_EQ(out, Events{msg("b", "message", "3")});
}

TEST(SseParser, FinishForgetsAHalfLineAndAPendingCr) {
  Parser p;
  Events out;
  EXPECT_FALSE(p.feed(as_bytes("data: a\r"), out));
  p.finish();  // "a" is discarded: no blank line followed it
  EXPECT_FALSE(p.feed(as_bytes("\n"), out));  // a blank line of the new stream, not the CR's LF
  EXPECT_FALSE(p.feed(as_bytes("data: b\n\n"), out));
  EXPECT_EQ(out, Events{msg("b")});
  EXPECT_FALSE(p.feed(as_bytes("data: c\n"), out));
  p.finish();
  EXPECT_FALSE(p.feed(as_bytes("\n"), out));
  EXPECT_EQ(out, Events{msg("b")});
}

TEST(SseParser, ResetClearsTheLastEventId) {
  Parser p;
  Events out;
  EXPECT_FALSE(p.feed(as_bytes("id: 9\n\n"), out));
  p.reset();
  EXPECT_EQ(p.last_event_id(), "");
  EXPECT_FALSE(p.feed(as_bytes("data: x\n\n"), out));
  EXPECT_EQ(out, Events{msg("x")});
}

TEST(SseParser, SetLastEventIdSeedsTheIdOfLaterEvents) {
  Parser p;
  p.set_last_event_id("saved");
  Events out;
  EXPECT_FALSE(p.feed(as_bytes("data: x\n\n"), out));
  EXPECT_EQ(out, Events{msg("x", "message", "saved")});
}

// --- UTF-8 ---

TEST(SseParser, InvalidUtf8BecomesReplacementCharacters) {
  EXPECT_EQ(parse("data: a\xFF" "b\n\n").events, Events{msg("a\xEF\xBF\xBD" "b")});
  // An unfinished sequence is broken by the line ending, which is kept.
  EXPECT_EQ(parse("data: \xE2\x82\ndata: x\n\n").events, Events{msg("\xEF\xBF\xBD\nx")});
  EXPECT_EQ(parse("event: \xC0\ndata: \xE2\x82\xAC\n\n").events, Events{msg("\xE2\x82\xAC", "\xEF\xBF\xBD")});
}

TEST(SseParser, Utf8SplitAcrossChunksIsDecodedWhole) {
  Parser p;
  Events out;
  EXPECT_FALSE(p.feed(as_bytes("data: \xF0\x9F"), out));
  EXPECT_FALSE(p.feed(as_bytes("\x98\x80\n\n"), out));
  EXPECT_EQ(out, Events{msg("\xF0\x9F\x98\x80")});
}

// --- limits ---

TEST(SseParser, DataUpToTheLimitIsAccepted) {
  const ParserLimits limits{.max_line_length = 4, .max_event_size = 5};
  EXPECT_EQ(parse("data: abcde\n\n", limits).events, Events{msg("abcde")});
  EXPECT_EQ(parse("data: ab\ndata: cd\n\n", limits).events, Events{msg("ab\ncd")});  // 5 with the LF
  EXPECT_EQ(parse("data: abcd\ndata\n\n", limits).events, Events{msg("abcd\n")});
}

TEST(SseParser, DataAboveTheLimitIsAStickyError) {
  const ParserLimits limits{.max_line_length = 4, .max_event_size = 5};
  Result r = parse("data: ok\n\ndata: abcdef\n\n", limits);
  EXPECT_EQ(r.error, errc::sse_event_too_large);
  EXPECT_EQ(r.events, Events{msg("ok")});
  EXPECT_EQ(parse("data: abc\ndata: de\n\n", limits).error, errc::sse_event_too_large);  // 6 with the LF
  EXPECT_EQ(parse("data: abcde\ndata\n\n", limits).error, errc::sse_event_too_large);    // "abcde\n"
  EXPECT_EQ(parse("data: abcde\ndata:\n\n", limits).error, errc::sse_event_too_large);

  Parser p(limits);
  Events out;
  EXPECT_EQ(p.feed(as_bytes("data: 123456"), out), errc::sse_event_too_large);
  EXPECT_EQ(p.feed(as_bytes("\n\ndata: x\n\n"), out), errc::sse_event_too_large);  // sticky
  EXPECT_TRUE(out.empty());
  p.finish();  // a new stream clears it
  EXPECT_FALSE(p.feed(as_bytes("data: x\n\n"), out));
  EXPECT_EQ(out, Events{msg("x")});
}

TEST(SseParser, LongEventIdOrRetryValuesHitTheLineLimit) {
  const ParserLimits limits{.max_line_length = 4, .max_event_size = 100};
  EXPECT_EQ(parse("id: 1234\nevent: abcd\nretry: 9999\n\n", limits).events, Events{Retry{9999}});
  EXPECT_EQ(parse("id: 12345\n\n", limits).error, errc::sse_line_too_long);
  EXPECT_EQ(parse("event: abcde\n\n", limits).error, errc::sse_line_too_long);
  EXPECT_EQ(parse("retry: 10000\n", limits).error, errc::sse_line_too_long);

  Parser p(limits);
  Events out;
  EXPECT_EQ(p.feed(as_bytes("id: 12345"), out), errc::sse_line_too_long);
  EXPECT_EQ(p.feed(as_bytes("\n\n"), out), errc::sse_line_too_long);
  p.reset();
  EXPECT_FALSE(p.feed(as_bytes("id: 1\n\n"), out));
  EXPECT_EQ(p.last_event_id(), "1");
}

TEST(SseParser, CommentsUnknownFieldsAndDataAreNotBoundByTheLineLimit) {
  const ParserLimits limits{.max_line_length = 4, .max_event_size = 100};
  const std::string long_text(50, 'x');
  EXPECT_EQ(parse(":" + long_text + "\n" + long_text + ": y\nfoo: " + long_text + "\ndata: " + long_text + "\n\n",
                  limits)
                .events,
            Events{msg(long_text)});
}

TEST(SseParser, BuffersStayWithinTheLimits) {
  const ParserLimits limits{.max_line_length = 8, .max_event_size = 8};
  Parser p(limits);
  Events out;
  EXPECT_FALSE(p.feed(as_bytes("data: 12345678\nid: abcdefgh"), out));
  EXPECT_EQ(p.buffered_data_size(), 9u);  // the data and the LF that may join a next line
  EXPECT_EQ(p.buffered_line_size(), 8u);
  EXPECT_EQ(p.limits().max_line_length, 8u);
}

TEST(SseParser, DefaultLimitsAreGenerous) {
  const ParserLimits limits;
  EXPECT_GE(limits.max_line_length, 4096u);
  EXPECT_GE(limits.max_event_size, 1024u * 1024u);
}

}  // namespace
}  // namespace twinsock::sse
