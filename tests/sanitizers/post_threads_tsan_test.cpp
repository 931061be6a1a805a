// The cross-thread paths of the native loop under ThreadSanitizer: PollLoop::post()
// and Poster::post() from several threads while the loop runs, stops, restarts and
// is destroyed, and the resolver's worker threads posting their answers back.
// Built with -fsanitize=thread (tests/tsan/CMakeLists.txt): a data race fails the
// test even when every assertion below holds.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <thread>
#include <vector>

#include "resolver.hpp"
#include "twinsock/native/poll_loop.hpp"

namespace twinsock::native {
namespace {

using std::chrono::milliseconds;

constexpr int kThreads = 4;
constexpr int kPostsPerThread = 20'000;

// Per posting thread, touched only on the loop thread: the sequence numbers seen.
struct Seen {
  int count = 0;
  int last = -1;
  bool in_order = true;
};

// Posts kPostsPerThread callbacks that record `seq` for `thread` on the loop thread.
// Each callback carries a heap payload written here and read there, so a missing
// happens-before edge between post() and the callback is a race TSan reports.
void post_sequence(PollLoop& loop, std::vector<Seen>& seen, int thread) {
  for (int seq = 0; seq < kPostsPerThread; ++seq) {
    auto payload = std::make_unique<int>(seq);
    loop.post([&seen, thread, payload = std::shared_ptr<int>(std::move(payload))] {
      Seen& s = seen[static_cast<std::size_t>(thread)];
      if (*payload != s.last + 1) s.in_order = false;
      s.last = *payload;
      ++s.count;
    });
  }
}

// Waits (bounded) until `flag` holds; a hang fails the test instead of blocking it.
bool wait_for(const std::atomic<bool>& flag) {
  const auto give_up = Clock::now() + std::chrono::seconds(20);
  while (!flag && Clock::now() < give_up) std::this_thread::sleep_for(milliseconds(1));
  return flag;
}

TEST(PollLoopThreads, PostsFromEveryThreadRunInOrderOnTheLoopThread) {
  PollLoop loop;  // made on this thread, run on another: posts from here are cross-thread too
  std::vector<Seen> seen(kThreads + 1);
  // The runner starts the loop only once this thread has posted (a relaxed flag:
  // no happens-before edge, so TSan sees these posts race the loop unless post()
  // itself synchronises them).
  std::atomic<bool> posted_first{false};
  std::thread runner([&] {
    while (!posted_first.load(std::memory_order_relaxed)) std::this_thread::yield();
    loop.run();
  });
  loop.post([] {});
  posted_first.store(true, std::memory_order_relaxed);
  post_sequence(loop, seen, kThreads);  // while the runner starts the loop
  std::vector<std::thread> posters;
  for (int t = 0; t < kThreads; ++t) posters.emplace_back([&, t] { post_sequence(loop, seen, t); });
  for (auto& p : posters) p.join();
  loop.post([&] { loop.stop(); });  // after every other post of this thread
  runner.join();
  for (int t = 0; t <= kThreads; ++t) {
    EXPECT_EQ(seen[static_cast<std::size_t>(t)].count, kPostsPerThread) << "thread " << t;
    EXPECT_TRUE(seen[static_cast<std::size_t>(t)].in_order) << "thread " << t;
  }
}

TEST(PollLoopThreads, StopFromAnotherThreadAndRunAgainWhilePostsContinue) {
  PollLoop loop;
  std::vector<Seen> seen(kThreads);
  constexpr int kRounds = 20;
  std::atomic<int> round_running{-1};  // the round whose run() has run a callback
  std::atomic<bool> runner_done{false};
  std::thread runner([&] {
    for (int round = 0; round < kRounds; ++round) {
      loop.post([&, round] { round_running = round; });
      loop.run();
    }
    runner_done = true;
  });
  std::thread stopper([&] {
    for (int round = 0; round < kRounds; ++round) {
      const auto give_up = Clock::now() + std::chrono::seconds(20);
      while (round_running < round && Clock::now() < give_up) std::this_thread::yield();
      loop.stop();
    }
  });
  std::vector<std::thread> posters;
  for (int t = 0; t < kThreads; ++t) posters.emplace_back([&, t] { post_sequence(loop, seen, t); });
  for (auto& p : posters) p.join();
  stopper.join();
  ASSERT_TRUE(wait_for(runner_done));
  runner.join();
  // This thread drives the loop now (the runner has ended): what was posted after
  // the last stop runs here.
  const auto give_up = Clock::now() + std::chrono::seconds(20);
  auto all_ran = [&] {
    for (const auto& s : seen)
      if (s.count != kPostsPerThread) return false;
    return true;
  };
  while (!all_ran() && Clock::now() < give_up) loop.run_once(milliseconds(10));
  for (int t = 0; t < kThreads; ++t) {
    EXPECT_EQ(seen[static_cast<std::size_t>(t)].count, kPostsPerThread) << "thread " << t;
    EXPECT_TRUE(seen[static_cast<std::size_t>(t)].in_order) << "thread " << t;
  }
}

TEST(PollLoopThreads, PostersKeepPostingWhileTheLoopIsDestroyed) {
  auto loop = std::make_unique<PollLoop>();
  std::shared_ptr<Poster> poster = loop->poster();
  std::atomic<int> ran{0};
  std::atomic<bool> stop_posting{false};
  std::vector<int> accepted_after_refusal(kThreads, 0);
  std::vector<std::thread> posters;
  for (int t = 0; t < kThreads; ++t)
    posters.emplace_back([&, t] {
      bool refused = false;
      while (!stop_posting) {
        const bool accepted = poster->post([&ran] { ++ran; });
        if (!accepted) refused = true;
        else if (refused) ++accepted_after_refusal[static_cast<std::size_t>(t)];
        std::this_thread::yield();  // lets the loop keep up: the queue stays small
      }
    });
  const auto until = Clock::now() + milliseconds(200);
  while (Clock::now() < until) loop->run_once(milliseconds(5));
  EXPECT_GT(ran, 0);
  loop.reset();  // while the posters are still posting
  const int ran_at_destruction = ran;
  std::this_thread::sleep_for(milliseconds(50));
  stop_posting = true;
  for (auto& p : posters) p.join();
  EXPECT_EQ(ran, ran_at_destruction) << "a post ran after the loop was destroyed";
  for (int t = 0; t < kThreads; ++t)
    EXPECT_EQ(accepted_after_refusal[static_cast<std::size_t>(t)], 0) << "the poster took posts back after refusing";
  EXPECT_FALSE(poster->post([] {}));
}

TEST(PollLoopThreads, ResolverWorkersPostAnswersBackAndCancelledOnesNeverRun) {
  PollLoop loop;
  constexpr int kLookups = 40;
  int answered = 0;
  int cancelled_ran = 0;
  std::vector<ResolveHandle> handles;
  for (int i = 0; i < kLookups; ++i) {
    const bool cancel = i % 2 == 1;
    handles.push_back(resolve(loop, "localhost", 80, [&, cancel](std::error_code ec, std::vector<Address> addresses) {
      if (cancel) ++cancelled_ran;
      else if (!ec && !addresses.empty()) ++answered;
    }));
    if (cancel) handles.back().reset();
  }
  const auto give_up = Clock::now() + std::chrono::seconds(20);
  while (answered < kLookups / 2 && Clock::now() < give_up) loop.run_once(milliseconds(10));
  EXPECT_EQ(answered, kLookups / 2);
  // Let the cancelled lookups' workers finish and post (their answers must be dropped).
  const auto settle = Clock::now() + milliseconds(300);
  while (Clock::now() < settle) loop.run_once(milliseconds(10));
  EXPECT_EQ(cancelled_ran, 0);
}

}  // namespace
}  // namespace twinsock::native
