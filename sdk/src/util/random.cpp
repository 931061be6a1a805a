#include "util/random.hpp"

#include <atomic>
#include <random>

#include "util/chacha20.hpp"

#if defined(__unix__) && !defined(__EMSCRIPTEN__)
#include <pthread.h>
#define TWINSOCK_HAS_FORK 1
#endif

namespace twinsock {
namespace {

// Bumped in a fork()ed child: the child's copy of a keystream must not repeat the
// parent's masks, so every stream rekeys when it sees a new generation.
std::atomic<unsigned> fork_generation{0};

unsigned current_fork_generation() {
#ifdef TWINSOCK_HAS_FORK
  static const bool registered = [] {
    pthread_atfork(nullptr, nullptr, [] { fork_generation.fetch_add(1, std::memory_order_relaxed); });
    return true;
  }();
  (void)registered;
#endif
  return fork_generation.load(std::memory_order_relaxed);
}

// A ChaCha20 keystream keyed from std::random_device. RFC 6455 §5.3 wants masks
// that cannot be predicted; asking random_device for each one cost 35-90 ns per
// frame on these machines (RDRAND; a getrandom() syscall where there is none),
// the keystream 16 ns per 4-byte mask.
class KeystreamRandom final : public RandomSource {
 public:
  KeystreamRandom() { rekey(); }

  void fill(std::span<std::uint8_t> out) override {
    if (generation_ != current_fork_generation()) rekey();
    for (auto& byte : out) {
      if (used_ == block_.size()) next_block();
      byte = block_[used_++];
    }
  }

 private:
  void rekey() {
    generation_ = current_fork_generation();
    used_ = block_.size();  // what is left of the old block is not ours either
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
  unsigned generation_ = 0;
};

}  // namespace

RandomSource& system_random() {
  thread_local KeystreamRandom source;  // one per loop thread: nothing shared, nothing locked
  return source;
}

}  // namespace twinsock
