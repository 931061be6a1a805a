#include "twinsock/callback.hpp"

#include <gtest/gtest.h>

#include <array>
#include <functional>
#include <memory>
#include <string>
#include <utility>

namespace twinsock {
namespace {

int twice(int x) { return 2 * x; }

TEST(Callback, EmptyUntilGivenACallable) {
  Callback<void()> none;
  EXPECT_FALSE(none);
  Callback<void()> null = nullptr;
  EXPECT_FALSE(null);
  int (*no_function)(int) = nullptr;
  EXPECT_FALSE(Callback<int(int)>(no_function));
  EXPECT_FALSE(Callback<int(int)>(std::function<int(int)>()));
  EXPECT_TRUE(Callback<int(int)>(std::function<int(int)>(twice)));
  EXPECT_EQ(Callback<int(int)>(twice)(21), 42);
}

TEST(Callback, CallsSmallAndLargeCallablesWithTheirState) {
  int calls = 0;
  Callback<int(int)> small = [&calls](int x) { return x + ++calls; };  // inline
  std::array<int, 16> table{};
  table[15] = 100;
  Callback<int(int)> large = [&calls, table](int x) { return x + table[15] + ++calls; };  // on the heap
  EXPECT_EQ(small(1), 2);
  EXPECT_EQ(large(1), 103);
  EXPECT_EQ(calls, 2);
}

TEST(Callback, MutableStateSurvivesMoves) {
  Callback<int()> counter = [n = 0]() mutable { return ++n; };
  EXPECT_EQ(counter(), 1);
  Callback<int()> moved = std::move(counter);
  EXPECT_FALSE(counter);  // NOLINT(bugprone-use-after-move): moved-from is empty, as documented
  EXPECT_EQ(moved(), 2);
  Callback<int()> assigned;
  assigned = std::move(moved);
  EXPECT_EQ(assigned(), 3);
}

TEST(Callback, OwnsMoveOnlyCallablesAndDestroysThemOnce) {
  auto token = std::make_shared<int>(7);
  std::weak_ptr<int> watch = token;
  {
    Callback<int()> holder = [owned = std::make_unique<std::shared_ptr<int>>(std::move(token))] { return **owned; };
    EXPECT_EQ(holder(), 7);
    Callback<int()> other = std::move(holder);
    EXPECT_FALSE(watch.expired());
    other = [] { return 0; };  // assignment destroys what was there
    EXPECT_TRUE(watch.expired());
  }
}

TEST(Callback, ResetByNullAndByDestruction) {
  auto token = std::make_shared<int>(1);
  std::weak_ptr<int> watch = token;
  Callback<void()> holder = [token = std::move(token)] {};
  EXPECT_FALSE(watch.expired());
  holder = nullptr;
  EXPECT_FALSE(holder);
  EXPECT_TRUE(watch.expired());
}

TEST(Callback, DropsTheResultWhenTheSignatureReturnsVoid) {
  std::string seen;
  Callback<void(const std::string&)> keep = [&seen](const std::string& s) { return seen = s; };
  keep("kept");
  EXPECT_EQ(seen, "kept");
}

TEST(Callback, PassesArgumentsByValueAndByReference) {
  Callback<std::size_t(std::string, const std::string&)> join = [](std::string a, const std::string& b) {
    a += b;
    return a.size();
  };
  const std::string suffix = "def";
  EXPECT_EQ(join("abc", suffix), 6u);
  Callback<void(std::unique_ptr<int>)> sink = [](std::unique_ptr<int> p) { EXPECT_EQ(*p, 5); };
  sink(std::make_unique<int>(5));
}

}  // namespace
}  // namespace twinsock
