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

}  // namespace
}  // namespace twinsock
