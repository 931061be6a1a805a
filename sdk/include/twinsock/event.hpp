// The event emitter shared by every client: typed events whose listeners are
// removed through the Subscription handle that on() returns (socket.io's
// `on()` disposer). Emitting is safe while listeners add or remove listeners,
// or destroy the emitter's owner: listeners added during an emit are not called
// by it, removed ones are never called again, and none once the emitter is gone.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <utility>
#include <vector>

namespace twinsock {

/// Unsubscribes on destruction or reset(); release() keeps the listener forever.
class Subscription {
 public:
  Subscription() = default;
  explicit Subscription(std::function<void()> unsubscribe) : unsubscribe_(std::move(unsubscribe)) {}
  Subscription(Subscription&& other) noexcept : unsubscribe_(std::exchange(other.unsubscribe_, nullptr)) {}
  Subscription& operator=(Subscription&& other) noexcept {
    if (this != &other) {
      reset();
      unsubscribe_ = std::exchange(other.unsubscribe_, nullptr);
    }
    return *this;
  }
  Subscription(const Subscription&) = delete;
  Subscription& operator=(const Subscription&) = delete;
  ~Subscription() { reset(); }

  void reset() {
    if (auto fn = std::exchange(unsubscribe_, nullptr)) fn();
  }
  /// Keeps the listener for the emitter's lifetime.
  void release() { unsubscribe_ = nullptr; }
  explicit operator bool() const { return static_cast<bool>(unsubscribe_); }

 private:
  std::function<void()> unsubscribe_;
};

template <typename... Args>
class Event {
 public:
  using Listener = std::function<void(Args...)>;

  Event() = default;
  Event(const Event&) = delete;
  Event& operator=(const Event&) = delete;
  /// A listener that destroys the owner mid-emit: the listeners after it are not called.
  ~Event() { clear(); }

  /// Adds a listener; it stays until the returned Subscription is reset or destroyed.
  [[nodiscard]] Subscription on(Listener listener) { return add(std::move(listener), false, false); }
  /// Adds a listener that is removed after its first call.
  [[nodiscard]] Subscription once(Listener listener) { return add(std::move(listener), true, false); }
  /// Adds a listener in front of the others.
  [[nodiscard]] Subscription prepend(Listener listener) { return add(std::move(listener), false, true); }

  /// Calls every listener present when the emit started, in order.
  void emit(Args... args) {
    auto state = state_;  // keeps the list alive if a listener destroys the owner
    if (state->entries.size() == 1) {  // the usual case: no snapshot to allocate
      const auto entry = state->entries.front();
      call(*state, *entry, state->next_id, args...);
      return;
    }
    const std::uint64_t generation = state->next_id;
    const auto snapshot = state->entries;
    for (const auto& entry : snapshot) call(*state, *entry, generation, args...);
  }

  std::size_t listener_count() const { return state_->entries.size(); }
  void clear() {
    for (auto& e : state_->entries) e->removed = true;
    state_->entries.clear();
  }

 private:
  struct Entry {
    std::uint64_t id;
    Listener listener;
    bool once;
    bool removed = false;
  };
  struct State {
    std::vector<std::shared_ptr<Entry>> entries;
    std::uint64_t next_id = 1;
  };

  // Skips listeners added during the emit (id >= generation) and those removed by it.
  static void call(State& state, Entry& entry, std::uint64_t generation, const Args&... args) {
    if (entry.id >= generation || entry.removed) return;
    if (entry.once) remove(state, entry.id);
    entry.listener(args...);
  }

  static void remove(State& state, std::uint64_t id) {
    for (auto it = state.entries.begin(); it != state.entries.end(); ++it) {
      if ((*it)->id == id) {
        (*it)->removed = true;
        state.entries.erase(it);
        return;
      }
    }
  }

  Subscription add(Listener listener, bool once, bool front) {
    const std::uint64_t id = state_->next_id++;
    auto entry = std::make_shared<Entry>(Entry{id, std::move(listener), once});
    if (front) state_->entries.insert(state_->entries.begin(), entry);
    else state_->entries.push_back(entry);
    return Subscription([weak = std::weak_ptr<State>(state_), id] {
      if (auto state = weak.lock()) remove(*state, id);
    });
  }

  std::shared_ptr<State> state_ = std::make_shared<State>();
};

}  // namespace twinsock
