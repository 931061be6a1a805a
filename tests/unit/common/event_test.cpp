#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "twinsock/event.hpp"

namespace twinsock {
namespace {

TEST(Event, ListenersAddedOrRemovedDuringAnEmit) {
  Event<int> event;
  std::vector<std::string> calls;
  Subscription second;
  Subscription late;
  auto first = event.on([&](int) {
    calls.push_back("first");
    second.reset();
    if (!late) late = event.on([&](int) { calls.push_back("late"); });
  });
  second = event.on([&](int) { calls.push_back("second"); });
  event.emit(1);
  EXPECT_EQ(calls, (std::vector<std::string>{"first"}));
  event.emit(2);
  EXPECT_EQ(calls, (std::vector<std::string>{"first", "first", "late"}));
}

// Found by the simulation (tests/sim): a listener that destroyed the client let
// the client's other listeners of the same event run after the destroy.
TEST(Event, NoListenerRunsOnceTheEmitterIsDestroyedMidEmit) {
  auto event = std::make_unique<Event<>>();
  std::vector<std::string> calls;
  auto a = event->on([&] {
    calls.push_back("destroys");
    event.reset();
  });
  auto b = event->on([&] { calls.push_back("after the destroy"); });
  event->emit();
  EXPECT_EQ(calls, (std::vector<std::string>{"destroys"}));
}

TEST(Event, OrderOnceAndPrepend) {
  Event<int> event;
  std::vector<std::string> calls;
  auto a = event.on([&](int v) { calls.push_back("a" + std::to_string(v)); });
  auto once = event.once([&](int v) { calls.push_back("once" + std::to_string(v)); });
  auto first = event.prepend([&](int v) { calls.push_back("first" + std::to_string(v)); });
  EXPECT_EQ(event.listener_count(), 3u);
  event.emit(1);
  event.emit(2);
  EXPECT_EQ(calls, (std::vector<std::string>{"first1", "a1", "once1", "first2", "a2"}));
  EXPECT_EQ(event.listener_count(), 2u);
  EXPECT_TRUE(once);  // still a handle; resetting it now does nothing
  once.reset();
  EXPECT_FALSE(once);
  EXPECT_EQ(event.listener_count(), 2u);
}

TEST(Event, EmptyUntilAListenerAndAgainOnceItIsGone) {
  Event<int> event;
  EXPECT_TRUE(event.empty());
  auto a = event.on([](int) {});
  auto once = event.once([](int) {});
  EXPECT_FALSE(event.empty());
  a.reset();
  EXPECT_FALSE(event.empty());
  event.emit(1);  // the once listener goes
  EXPECT_TRUE(event.empty());
}

TEST(Event, ALoneListenerRemovingItselfOrAddingAnotherMidEmit) {
  Event<> event;
  int self_calls = 0;
  int added_calls = 0;
  Subscription self;
  Subscription added;
  self = event.on([&] {
    ++self_calls;
    self.reset();  // destroys nothing the running call needs
    added = event.on([&] { ++added_calls; });
  });
  event.emit();
  EXPECT_EQ(self_calls, 1);
  EXPECT_EQ(added_calls, 0);  // added during the emit: not called by it
  event.emit();
  EXPECT_EQ(self_calls, 1);
  EXPECT_EQ(added_calls, 1);
}

TEST(Event, SubscriptionsOutliveTheEmitterAndMoveAround) {
  auto event = std::make_unique<Event<>>();
  int calls = 0;
  Subscription kept = event->on([&] { ++calls; });
  Subscription moved = std::move(kept);
  EXPECT_FALSE(kept);
  EXPECT_TRUE(moved);
  event->emit();
  EXPECT_EQ(calls, 1);
  event.reset();
  moved.reset();  // the emitter is gone: nothing to do, nothing to crash on
  EXPECT_FALSE(moved);
}

TEST(Event, DestroyingASubscriptionRemovesOnlyItsListener) {
  Event<> event;
  std::string calls;
  auto a = event.on([&] { calls += "a"; });
  auto b = std::make_unique<Subscription>(event.on([&] { calls += "b"; }));
  auto c = event.on([&] { calls += "c"; });
  b.reset();
  event.emit();
  EXPECT_EQ(calls, "ac");
  Subscription released = event.on([&] { calls += "r"; });
  released.release();  // stays for the emitter's lifetime
  released.reset();
  event.emit();
  EXPECT_EQ(calls, "acacr");
  event.clear();
  event.emit();
  EXPECT_EQ(calls, "acacr");
  EXPECT_EQ(event.listener_count(), 0u);
}

TEST(Event, ManyListenersAreCalledInOrderAndClearedWithoutRecursion) {
  auto event = std::make_unique<Event<>>();
  std::size_t next = 0;
  bool in_order = true;
  constexpr std::size_t kCount = 200'000;
  for (std::size_t i = 0; i < kCount; ++i) {
    auto sub = event->prepend([&, i] {
      in_order = in_order && i == kCount - 1 - next;
      ++next;
    });
    sub.release();
  }
  event->emit();
  EXPECT_EQ(next, kCount);
  EXPECT_TRUE(in_order);
  event.reset();  // a destructor chain this long would overflow the stack
}

}  // namespace
}  // namespace twinsock
