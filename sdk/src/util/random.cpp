#include "util/random.hpp"

#include <random>

#include "util/chacha20.hpp"

namespace twinsock {
namespace {

// A ChaCha20 keystream keyed from std::random_device. RFC 6455 §5.3 wants masks
// that cannot be predicted; asking random_device for each one cost 35-90 ns per
// frame on these machines (RDRAND; a getrandom() syscall where there is none),
// the keystream 16 ns per 4-byte mask.
class KeystreamRandom final : public RandomSource {
 public:
  KeystreamRandom() { rekey(); }

  void fill(std::span<std::uint8_t> out) override {
    for (auto& byte : out) {
      if (used_ == block_.size()) next_block();
      byte = block_[used_++];
    }
  }

 private:
  void rekey() {
    std::random_device device;
    for (auto& word : key_) word = device();
    for (auto& word : nonce_) word = device();
    counter_ = 0;
  }

  void next_block() {
    block_ = chacha20::block(key_, counter_, nonce_);
    used_ = 0;
    if (++counter_ == 0) rekey();  // 2^32 blocks (256 GiB) under one key: take a fresh one
  }

  chacha20::Key key_{};
  chacha20::Nonce nonce_{};
  std::uint32_t counter_ = 0;
  chacha20::Block block_{};
  std::size_t used_ = block_.size();
};

}  // namespace

RandomSource& system_random() {
  thread_local KeystreamRandom source;  // one per loop thread: nothing shared, nothing locked
  return source;
}

}  // namespace twinsock
