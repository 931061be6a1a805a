// The event emitter shared by every client: typed events whose listeners are
// removed through the Subscription handle that on() returns (socket.io's
// `on()` disposer). Emitting is safe while listeners add or remove listeners,
// or destroy the emitter's owner: listeners added during an emit are not called
// by it, removed ones are never called again, and none once the emitter is gone.
#pragma once

#include <cstdint>
#include <memory>
#include <utility>
#include <vector>

#include "twinsock/callback.hpp"

namespace twinsock {

namespace detail {
/// One listener, as its Subscription sees it.
class ListenerSlot {
 public:
  /// Removes the listener from its emitter, if both are still there.
  virtual void unsubscribe() = 0;

 protected:
  ~ListenerSlot() = default;
};
}  // namespace detail

/// Unsubscribes on destruction or reset(); release() keeps the listener forever.
/// It holds a weak reference to the listener: no allocation of its own.
class Subscription {
 public:
  Subscription() = default;
  explicit Subscription(std::weak_ptr<detail::ListenerSlot> slot) : slot_(std::move(slot)), active_(true) {}
  Subscription(Subscription&& other) noexcept
      : slot_(std::move(other.slot_)), active_(std::exchange(other.active_, false)) {}
  Subscription& operator=(Subscription&& other) noexcept {
    if (this != &other) {
      reset();
      slot_ = std::move(other.slot_);
      active_ = std::exchange(other.active_, false);
    }
    return *this;
  }
  Subscription(const Subscription&) = delete;
  Subscription& operator=(const Subscription&) = delete;
  ~Subscription() { reset(); }

  void reset() {
    active_ = false;
    if (const auto slot = std::exchange(slot_, {}).lock()) slot->unsubscribe();
  }
  /// Keeps the listener for the emitter's lifetime.
  void release() {
    slot_.reset();
    active_ = false;
  }
  explicit operator bool() const { return active_; }

 private:
  std::weak_ptr<detail::ListenerSlot> slot_;
  bool active_ = false;
};

// Listeners form a singly linked list of shared entries: an Event without
// listeners costs one pointer and no allocation, one listener one allocation
// (thousands of idle connections each hold a few dozen Events).
template <typename... Args>
class Event {
 public:
  using Listener = Callback<void(Args...)>;

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

  /// Calls every listener present when the emit started, in order. The entries
  /// called are held here, so a listener may remove any of them or destroy the owner.
  void emit(Args... args) {
    if (!head_) return;
    if (!head_->next) {  // the usual case: one listener, no snapshot to allocate
      const auto entry = head_;
      call(*entry, args...);
      return;
    }
    std::vector<std::shared_ptr<Entry>> snapshot;
    for (auto entry = head_; entry; entry = entry->next) snapshot.push_back(entry);
    for (const auto& entry : snapshot) call(*entry, args...);
  }

  /// No listener at all: lets an emitter skip building arguments nobody would see.
  bool empty() const noexcept { return !head_; }
  std::size_t listener_count() const {
    std::size_t n = 0;
    for (const Entry* e = head_.get(); e; e = e->next.get()) ++n;
    return n;
  }
  void clear() {
    while (head_) {  // a loop, not the chain of destructors: no recursion on long lists
      const auto entry = std::exchange(head_, std::move(head_->next));
      entry->owner = nullptr;
    }
  }

 private:
  struct Entry final : detail::ListenerSlot {
    Entry(Event* o, Listener l, bool once_only) : owner(o), listener(std::move(l)), once(once_only) {}
    void unsubscribe() override {
      if (owner) owner->unlink(this);
    }
    Event* owner;  // null once removed, or once the Event is gone
    std::shared_ptr<Entry> next;
    Listener listener;
    bool once;
  };

  // Skips listeners removed since the emit started (or whose Event is gone).
  static void call(Entry& entry, const Args&... args) {
    if (!entry.owner) return;
    if (entry.once) entry.owner->unlink(&entry);
    entry.listener(args...);
  }

  void unlink(Entry* entry) {
    std::shared_ptr<Entry>* link = &head_;
    while (*link && link->get() != entry) link = &(*link)->next;
    if (!*link) return;
    const auto removed = std::exchange(*link, std::move(entry->next));
    removed->owner = nullptr;
  }

  Subscription add(Listener listener, bool once, bool front) {
    auto entry = std::make_shared<Entry>(this, std::move(listener), once);
    std::weak_ptr<detail::ListenerSlot> slot = entry;
    std::shared_ptr<Entry>* link = &head_;
    if (!front)
      while (*link) link = &(*link)->next;
    entry->next = std::move(*link);
    *link = std::move(entry);
    return Subscription(std::move(slot));
  }

  std::shared_ptr<Entry> head_;
};

}  // namespace twinsock
