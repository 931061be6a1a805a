// A std::deque that allocates nothing until its first element. libstdc++'s
// deque allocates its map and a 512-byte block on construction, which costs
// a kilobyte per connection for queues that most connections never use
// (the Socket.IO send buffer while offline, the `retries` queue).
#pragma once

#include <cstddef>
#include <deque>
#include <memory>

namespace twinsock::detail {

template <typename T>
class LazyDeque {
 public:
  using iterator = typename std::deque<T>::iterator;

  bool empty() const { return !items_ || items_->empty(); }
  std::size_t size() const { return items_ ? items_->size() : 0; }
  void push_back(T value) { items().push_back(std::move(value)); }
  T& front() { return items_->front(); }
  void pop_front() { items_->pop_front(); }
  // Iterating an empty queue allocates nothing either.
  iterator begin() { return items_ ? items_->begin() : none().begin(); }
  iterator end() { return items_ ? items_->end() : none().end(); }
  iterator erase(iterator at) { return items_->erase(at); }
  void clear() { items_.reset(); }

 private:
  std::deque<T>& items() {
    if (!items_) items_ = std::make_unique<std::deque<T>>();
    return *items_;
  }
  static std::deque<T>& none() {
    static std::deque<T> empty;  // never modified
    return empty;
  }
  std::unique_ptr<std::deque<T>> items_;
};

}  // namespace twinsock::detail
