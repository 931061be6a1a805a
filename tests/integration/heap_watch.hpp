// The peak heap a test used, so it can assert that a hostile peer did not make
// the client allocate without bound. In the ASan build every allocation is
// counted (malloc and free hooks, so a peak inside one loop turn is seen too),
// except a thread's that opted out; elsewhere glibc's mallinfo2 is sampled
// whenever sample() is called.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>

#if defined(__SANITIZE_ADDRESS__)
#define TWINSOCK_TEST_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define TWINSOCK_TEST_ASAN 1
#endif
#endif

#ifdef TWINSOCK_TEST_ASAN
// From the ASan runtime (<sanitizer/allocator_interface.h>, which GCC does not install).
extern "C" int __sanitizer_install_malloc_and_free_hooks(void (*malloc_hook)(const volatile void*, std::size_t),
                                                          void (*free_hook)(const volatile void*));
extern "C" std::size_t __sanitizer_get_allocated_size(const volatile void* p);
#else
#include <malloc.h>
#endif

namespace twinsock::testing {

class HeapWatch {
 public:
  HeapWatch() {
    install();
    base_ = in_use();
    peak().store(base_);
  }
  /// The calling thread's allocations are not counted (a test's own peer thread).
  static void ignore_this_thread() { ignored() = true; }
  /// Only needed without ASan: samples the heap now.
  void sample() { raise_peak(in_use()); }
  /// Peak bytes in use above what was in use at construction (one watch at a time).
  std::size_t growth() {
    sample();
    const std::int64_t grown = peak().load() - base_;
    return grown > 0 ? static_cast<std::size_t>(grown) : 0;
  }

 private:
  static std::atomic<std::int64_t>& live() {
    static std::atomic<std::int64_t> bytes{0};
    return bytes;
  }
  static std::atomic<std::int64_t>& peak() {
    static std::atomic<std::int64_t> bytes{0};
    return bytes;
  }
  static bool& ignored() {
    static thread_local bool flag = false;
    return flag;
  }
  static void raise_peak(std::int64_t now) {
    std::int64_t seen = peak().load();
    while (now > seen && !peak().compare_exchange_weak(seen, now)) {}
  }

#ifdef TWINSOCK_TEST_ASAN
  static void on_malloc(const volatile void*, std::size_t size) {
    if (ignored()) return;
    const auto n = static_cast<std::int64_t>(size);
    raise_peak(live().fetch_add(n) + n);
  }
  static void on_free(const volatile void* p) {
    if (ignored()) return;
    live().fetch_sub(static_cast<std::int64_t>(__sanitizer_get_allocated_size(p)));
  }
  static void install() {
    static const bool installed = __sanitizer_install_malloc_and_free_hooks(on_malloc, on_free) != 0;
    (void)installed;
  }
  // Counted from the first watch on (blocks allocated before it and freed later
  // take it below zero): only differences mean something.
  static std::int64_t in_use() { return live().load(); }
#else
  static void install() {}
  static std::int64_t in_use() { return static_cast<std::int64_t>(mallinfo2().uordblks); }
#endif

  std::int64_t base_ = 0;
};

}  // namespace twinsock::testing
