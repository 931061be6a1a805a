// ReplyBacklog: how many pongs may wait unsent, judged from a sink's unsent count.
#include <gtest/gtest.h>

#include <cstddef>

#include "util/reply_backlog.hpp"

namespace twinsock::detail {
namespace {

// A sink that holds whatever is written until the test flushes it.
struct Sink {
  std::size_t unsent = 0;
  void write(ReplyBacklog& backlog, std::size_t bytes) {
    backlog.wrote(unsent, unsent + bytes);
    unsent += bytes;
  }
};

// Pings arrive; each is answered only when the backlog allows.
std::size_t answer(ReplyBacklog& backlog, Sink& sink, int pings) {
  std::size_t answered = 0;
  for (int i = 0; i < pings; ++i) {
    if (!backlog.may_reply(sink.unsent)) continue;
    sink.write(backlog, 6);
    backlog.replied();
    ++answered;
  }
  return answered;
}

TEST(ReplyBacklog, APeerThatDoesNotReadGetsAtMostMaxWaitingReplies) {
  ReplyBacklog backlog(8);
  Sink sink;
  EXPECT_EQ(answer(backlog, sink, 1'000'000), 8u);
  EXPECT_EQ(sink.unsent, 48u);
}

TEST(ReplyBacklog, RepliesResumeAsTheSinkDrains) {
  ReplyBacklog backlog(1);
  Sink sink;
  EXPECT_EQ(answer(backlog, sink, 10), 1u);
  sink.unsent = 0;  // flushed
  EXPECT_EQ(answer(backlog, sink, 10), 1u);
}

TEST(ReplyBacklog, OtherDataQueuedAfterAReplyDoesNotHoldItBack) {
  ReplyBacklog backlog(1);
  Sink sink;
  EXPECT_EQ(answer(backlog, sink, 1), 1u);
  sink.write(backlog, 1000);  // a big message behind the pong
  EXPECT_FALSE(backlog.may_reply(sink.unsent));
  sink.unsent = 1000;  // the pong left; the message has not
  EXPECT_TRUE(backlog.may_reply(sink.unsent));
}

TEST(ReplyBacklog, DataQueuedBeforeAReplyMustLeaveFirst) {
  ReplyBacklog backlog(1);
  Sink sink;
  sink.write(backlog, 1000);
  EXPECT_EQ(answer(backlog, sink, 1), 1u);
  sink.unsent = 10;  // part of the pong is still there
  EXPECT_FALSE(backlog.may_reply(sink.unsent));
  sink.unsent = 0;
  EXPECT_TRUE(backlog.may_reply(sink.unsent));
}

TEST(ReplyBacklog, BytesUnsentBeforeTrackingStartedCountAsUnsent) {
  ReplyBacklog backlog(1);
  Sink sink;
  sink.unsent = 500;  // e.g. a handshake request written before
  EXPECT_EQ(answer(backlog, sink, 1), 1u);
  sink.unsent = 6;  // only the pong's size is left, but the older bytes may be what is left
  EXPECT_FALSE(backlog.may_reply(sink.unsent));
  sink.unsent = 0;
  EXPECT_TRUE(backlog.may_reply(sink.unsent));
}

}  // namespace
}  // namespace twinsock::detail
