#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <thread>
#include <vector>

#include <sys/socket.h>
#include <unistd.h>

#include "twinsock/native/poll_loop.hpp"

namespace twinsock::native {
namespace {

using std::chrono::milliseconds;

// Runs the loop until `done` or 5 s pass (a bound, not a timing assertion).
template <typename Pred>
bool run_until(PollLoop& loop, Pred done) {
  const auto give_up = Clock::now() + std::chrono::seconds(5);
  while (!done() && Clock::now() < give_up) loop.run_once(milliseconds(50));
  return done();
}

TEST(PollLoop, TimersFireInDeadlineOrder) {
  PollLoop loop;
  std::vector<int> order;
  loop.set_timer(milliseconds(30), [&] { order.push_back(3); });
  loop.set_timer(milliseconds(10), [&] { order.push_back(1); });
  loop.set_timer(milliseconds(20), [&] { order.push_back(2); });
  ASSERT_TRUE(run_until(loop, [&] { return order.size() == 3; }));
  EXPECT_EQ(order, (std::vector<int>{1, 2, 3}));
  EXPECT_EQ(loop.timer_count(), 0u);
}

TEST(PollLoop, TimerNeverFiresEarly) {
  PollLoop loop;
  const auto start = Clock::now();
  TimePoint fired{};
  loop.set_timer(milliseconds(40), [&] { fired = Clock::now(); });
  ASSERT_TRUE(run_until(loop, [&] { return fired != TimePoint{}; }));
  EXPECT_GE(fired - start, milliseconds(40));
}

TEST(PollLoop, AdvancedClockMakesArmedTimersDue) {
  PollLoop loop;
  bool fired = false;
  loop.set_timer(std::chrono::hours(1), [&] { fired = true; });
  const TimePoint before = loop.now();
  loop.advance_clock(std::chrono::hours(1));
  EXPECT_GE(loop.now() - before, std::chrono::hours(1));
  loop.run_once(milliseconds(0));  // overdue: fires without waiting
  EXPECT_TRUE(fired);
  EXPECT_EQ(loop.timer_count(), 0u);
}

TEST(PollLoop, CancelledTimerNeverFires) {
  PollLoop loop;
  bool fired = false, other = false;
  const TimerId id = loop.set_timer(milliseconds(5), [&] { fired = true; });
  loop.set_timer(milliseconds(20), [&] { other = true; });
  loop.cancel_timer(id);
  loop.cancel_timer(id);      // twice is harmless
  loop.cancel_timer(424242);  // unknown too
  ASSERT_TRUE(run_until(loop, [&] { return other; }));
  EXPECT_FALSE(fired);
}

TEST(PollLoop, TimerCancelledByAnEarlierCallbackInTheSamePass) {
  PollLoop loop;
  TimerId second = 0;
  bool second_fired = false;
  loop.set_timer(milliseconds(0), [&] { loop.cancel_timer(second); });
  second = loop.set_timer(milliseconds(0), [&] { second_fired = true; });
  std::this_thread::sleep_for(milliseconds(2));
  loop.run_once(milliseconds(0));
  EXPECT_FALSE(second_fired);
}

TEST(PollLoop, ZeroDelayRearmWaitsForNextPass) {
  PollLoop loop;
  int fired = 0;
  std::function<void()> rearm = [&] {
    ++fired;
    loop.set_timer(milliseconds(0), rearm);
  };
  loop.set_timer(milliseconds(0), rearm);
  loop.run_once(milliseconds(0));
  EXPECT_EQ(fired, 1);  // not an endless loop inside one pass
}

TEST(PollLoop, PostRunsAfterTheCurrentCallbackNotInsideIt) {
  PollLoop loop;
  std::vector<std::string> log;
  loop.post([&] {
    log.push_back("outer start");
    loop.post([&] { log.push_back("inner"); });
    log.push_back("outer end");
  });
  ASSERT_TRUE(run_until(loop, [&] { return log.size() == 3; }));
  EXPECT_EQ(log, (std::vector<std::string>{"outer start", "outer end", "inner"}));
}

TEST(PollLoop, PostsMadeBeforeTheFirstRunComeBeforeLaterOnes) {
  PollLoop loop;  // no thread runs it yet: this post takes the thread-safe path
  std::vector<std::string> log;
  loop.post([&] { log.push_back("posted before the first run"); });
  loop.set_timer(milliseconds(0), [&] { loop.post([&] { log.push_back("posted by a timer of the first run"); }); });
  ASSERT_TRUE(run_until(loop, [&] { return log.size() == 2; }));
  EXPECT_EQ(log, (std::vector<std::string>{"posted before the first run", "posted by a timer of the first run"}));
}

TEST(PollLoop, WatchCountFollowsWatchAndUnwatch) {
  PollLoop loop;
  int fds[2];
  ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
  EXPECT_EQ(loop.watch_count(), 0u);
  {
    IoWatch a = loop.watch(fds[0], io_read, [](std::uint32_t) {});
    IoWatch b = loop.watch(fds[1], io_read, [](std::uint32_t) {});
    EXPECT_EQ(loop.watch_count(), 2u);
    a.reset();
    EXPECT_EQ(loop.watch_count(), 1u);
  }
  EXPECT_EQ(loop.watch_count(), 0u);
  close(fds[0]);
  close(fds[1]);
}

TEST(PollLoop, PostFromAnotherThreadWakesABlockedLoop) {
  PollLoop loop;
  std::atomic<bool> ran{false};
  std::thread worker([&] {
    std::this_thread::sleep_for(milliseconds(20));
    loop.post([&] { ran = true; });
  });
  const auto start = Clock::now();
  while (!ran && Clock::now() - start < std::chrono::seconds(5)) loop.run_once(std::chrono::seconds(10));
  worker.join();
  EXPECT_TRUE(ran);
  EXPECT_LT(Clock::now() - start, std::chrono::seconds(5));  // woken, not timed out
}

TEST(PollLoop, ManyThreadsPostingLoseNothing) {
  PollLoop loop;
  std::atomic<int> count{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 1000; ++i) loop.post([&] { ++count; });
    });
  for (auto& t : threads) t.join();
  ASSERT_TRUE(run_until(loop, [&] { return count == 4000; }));
}

TEST(PollLoop, PosterOutlivingTheLoopDropsPosts) {
  std::shared_ptr<Poster> poster;
  {
    PollLoop loop;
    poster = loop.poster();
    EXPECT_TRUE(poster->post([] {}));
  }
  EXPECT_FALSE(poster->post([] { FAIL() << "ran after the loop died"; }));
}

TEST(PollLoop, StopFromCallbackEndsRun) {
  PollLoop loop;
  loop.set_timer(milliseconds(5), [&] { loop.stop(); });
  loop.run();  // returns: the test would hang otherwise
  SUCCEED();
}

TEST(PollLoop, StopFromAnotherThread) {
  PollLoop loop;
  std::thread stopper([&] {
    std::this_thread::sleep_for(milliseconds(20));
    loop.stop();
  });
  loop.run();
  stopper.join();
}

TEST(PollLoop, StopBeforeRunEndsTheNextRun) {
  PollLoop loop;
  bool gave_up = false;
  loop.set_timer(milliseconds(2000), [&] {
    gave_up = true;
    loop.stop();
  });
  loop.stop();  // as a thread would that stops the loop before its owner runs it
  loop.run();
  EXPECT_FALSE(gave_up);
  // The stop was used up: the next run() runs until the next stop().
  loop.set_timer(milliseconds(5), [&] { loop.stop(); });
  loop.run();
  EXPECT_FALSE(gave_up);
}

TEST(PollLoop, ForeignLoopIntegration) {
  PollLoop loop;
  EXPECT_GE(loop.fd(), 0);
  EXPECT_FALSE(loop.next_deadline().has_value());
  loop.set_timer(milliseconds(100), [] {});
  ASSERT_TRUE(loop.next_deadline().has_value());
  EXPECT_GT(*loop.next_deadline(), loop.now());
  loop.post([] {});
  const auto due = loop.next_deadline();
  EXPECT_LE(*due, loop.now());  // posted work is due now
}

TEST(PollLoop, WatchReportsReadabilityAndUnwatchStopsIt) {
  PollLoop loop;
  int fds[2];
  ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, fds), 0);
  int reads = 0;
  IoWatch watch = loop.watch(fds[0], io_read, [&](std::uint32_t events) {
    EXPECT_TRUE(events & io_read);
    char buf[16];
    while (read(fds[0], buf, sizeof buf) > 0) {
    }
    ++reads;
  });
  ASSERT_EQ(write(fds[1], "x", 1), 1);
  ASSERT_TRUE(run_until(loop, [&] { return reads == 1; }));
  watch.reset();
  ASSERT_EQ(write(fds[1], "y", 1), 1);
  loop.run_once(milliseconds(20));
  EXPECT_EQ(reads, 1);
  close(fds[0]);
  close(fds[1]);
}

TEST(PollLoop, HandlerThatUnwatchesAnotherReadyFdSuppressesItsEvent) {
  PollLoop loop;
  int a[2], b[2];
  ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, a), 0);
  ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, b), 0);
  auto wa = std::make_unique<IoWatch>();
  auto wb = std::make_unique<IoWatch>();
  int calls = 0;
  *wa = loop.watch(a[0], io_read, [&](std::uint32_t) {
    ++calls;
    wa.reset();
    wb.reset();
  });
  *wb = loop.watch(b[0], io_read, [&](std::uint32_t) {
    ++calls;
    wa.reset();
    wb.reset();
  });
  ASSERT_EQ(write(a[1], "x", 1), 1);
  ASSERT_EQ(write(b[1], "x", 1), 1);
  loop.run_once(milliseconds(50));
  EXPECT_EQ(calls, 1);
  for (int fd : {a[0], a[1], b[0], b[1]}) close(fd);
}

TEST(TimerHandle, ReArmReplacesAndDestructionCancels) {
  PollLoop loop;
  int fired = 0;
  {
    Timer timer(loop);
    timer.start(milliseconds(5), [&] { fired += 1; });
    timer.start(milliseconds(5), [&] { fired += 10; });
    ASSERT_TRUE(run_until(loop, [&] { return fired != 0; }));
    EXPECT_EQ(fired, 10);
    EXPECT_FALSE(timer.armed());
    timer.start(milliseconds(5), [&] { fired += 100; });
  }
  loop.run_once(milliseconds(20));
  EXPECT_EQ(fired, 10);
  EXPECT_EQ(loop.timer_count(), 0u);
}


// A game runs the loop on its main thread first (a splash screen), then on a network
// thread while the main thread keeps posting: every post runs once, in order, and
// nothing is shared unlocked between the two threads (this corrupted the heap).
TEST(PollLoop, TheLoopMayMoveToAnotherThreadWhileItsFormerThreadPosts) {
  for (int round = 0; round < 50; ++round) {  // the handover is a race: try it often
    PollLoop loop;
    std::vector<int> ran;  // written by the loop's callbacks only
    loop.post([&] { ran.push_back(-1); });
    loop.run_once(Duration::zero());
    loop.set_timer(Duration::zero(), [&] { loop.post([&] { ran.push_back(0); }); });  // left for the next run
    loop.run_once(Duration::zero());
    std::thread network([&] { loop.run(); });
    constexpr int kPosts = 2000;
    for (int i = 1; i <= kPosts; ++i) loop.post([&ran, i] { ran.push_back(i); });
    loop.post([&] { loop.stop(); });
    network.join();
    ASSERT_EQ(ran.size(), static_cast<std::size_t>(kPosts + 2));
    for (int i = 0; i <= kPosts + 1; ++i) ASSERT_EQ(ran[static_cast<std::size_t>(i)], i - 1) << "round " << round;
  }
}

// A queued function whose destructor reports through a Poster (a job object) while the
// loop is being destroyed: the post is refused, not a deadlock on the queue's mutex.
TEST(PollLoop, AQueuedFunctionWhoseDestructorPostsDoesNotHangTheLoopsDestructor) {
  std::shared_ptr<Poster> poster;
  bool refused = false;
  {
    PollLoop loop;
    poster = loop.poster();
    struct ReportsOnDestruction {
      std::shared_ptr<Poster> poster;
      bool* refused;
      ~ReportsOnDestruction() {
        if (poster) *refused = !poster->post([] {});
      }
    };
    auto job = std::make_shared<ReportsOnDestruction>(ReportsOnDestruction{poster, &refused});
    poster->post([job] {});
    job.reset();  // the queued function holds the last reference
  }
  EXPECT_TRUE(refused);
}

TEST(PollLoopDeathTest, DestroyedBeforeItsClientsItSaysSoAndAborts) {
  EXPECT_DEATH(
      {
        auto loop = std::make_unique<PollLoop>();
        int fds[2];
        ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
        // Outlives the loop, as a connection of a client declared before it.
        static IoWatch* leaked = new IoWatch(loop->watch(fds[0], io_read, [](std::uint32_t) {}));
        (void)leaked;
        loop.reset();
      },
      "destroy the clients .* before their loop");
}

}  // namespace
}  // namespace twinsock::native
