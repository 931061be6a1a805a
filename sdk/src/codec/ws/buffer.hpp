// Growable byte buffer for assembling payloads: append is one memcpy, clear is
// O(1) and nothing is value-initialised. (std::vector<uint8_t> zero-fills on
// resize and clears element by element in size-optimised builds such as the
// -Oz WASM one, which made large messages cost O(size) several times over.)
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>

#include "twinsock/bytes.hpp"

namespace twinsock::ws {

class ByteBuffer {
 public:
  ByteBuffer() = default;
  ByteBuffer(ByteBuffer&& other) noexcept
      : data_(std::move(other.data_)), size_(other.size_), capacity_(other.capacity_) {
    other.size_ = other.capacity_ = 0;
  }
  ByteBuffer& operator=(ByteBuffer&& other) noexcept {
    data_ = std::move(other.data_);
    size_ = other.size_;
    capacity_ = other.capacity_;
    other.size_ = other.capacity_ = 0;
    return *this;
  }

  const std::uint8_t* data() const noexcept { return data_.get(); }
  std::size_t size() const noexcept { return size_; }
  std::size_t capacity() const noexcept { return capacity_; }
  bool empty() const noexcept { return size_ == 0; }
  bytes_view view() const noexcept { return {data_.get(), size_}; }

  /// Makes room for at least `n` bytes in total (keeps the contents).
  void reserve(std::size_t n) {
    if (n <= capacity_) return;
    std::unique_ptr<std::uint8_t[]> grown(new std::uint8_t[n]);
    if (size_ > 0) std::memcpy(grown.get(), data_.get(), size_);
    data_ = std::move(grown);
    capacity_ = n;
  }

  /// Appends, growing geometrically.
  void append(bytes_view chunk) {
    if (chunk.empty()) return;
    if (size_ + chunk.size() > capacity_) reserve(std::max(size_ + chunk.size(), 2 * capacity_));
    std::memcpy(data_.get() + size_, chunk.data(), chunk.size());
    size_ += chunk.size();
  }

  /// Drops the first `n` bytes.
  void erase_front(std::size_t n) noexcept {
    if (n >= size_) {
      size_ = 0;
      return;
    }
    std::memmove(data_.get(), data_.get() + n, size_ - n);
    size_ -= n;
  }

  void clear() noexcept { size_ = 0; }

  /// Empties the buffer, freeing its memory when it grew past `keep` bytes, so
  /// one large message does not pin its memory for the life of the connection.
  void reset(std::size_t keep) noexcept {
    size_ = 0;
    if (capacity_ > keep) {
      data_.reset();
      capacity_ = 0;
    }
  }

 private:
  std::unique_ptr<std::uint8_t[]> data_;
  std::size_t size_ = 0;
  std::size_t capacity_ = 0;
};

}  // namespace twinsock::ws
