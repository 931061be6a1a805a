// Maps the integer handles the JavaScript side holds to live C++ objects.
//
// JavaScript never sees a C++ pointer: it gets a handle, and every browser event
// (a timer, a WebSocket message, a fetch chunk) is resolved through the registry
// first. Handles are never reused, so a late event for a destroyed object finds
// nothing and is dropped (the generation check of sokol's slot ids, with a
// 32-bit counter as the generation).
#pragma once

#include <cstdint>
#include <map>

namespace twinsock::web::detail {

template <typename T>
class HandleRegistry {
 public:
  std::uint32_t add(T* object) {
    const std::uint32_t handle = next_++;
    objects_.emplace(handle, object);
    return handle;
  }
  void remove(std::uint32_t handle) { objects_.erase(handle); }
  T* find(std::uint32_t handle) const {
    auto it = objects_.find(handle);
    return it == objects_.end() ? nullptr : it->second;
  }
  std::size_t size() const { return objects_.size(); }

 private:
  std::map<std::uint32_t, T*> objects_;  // an ordered map: no hash table code in the wasm
  std::uint32_t next_ = 1;
};

}  // namespace twinsock::web::detail
