// What the soak run measures about its own process: resident memory, open
// descriptors and the bytes the allocator has handed out and not had back.
#pragma once

#include <cstddef>

namespace twinsock::soak {

struct ProcessSample {
  long rss_kb = 0;              // /proc/self/statm: resident pages
  int open_fds = 0;             // entries of /proc/self/fd
  std::size_t heap_in_use = 0;  // live heap bytes (ASan's count under ASan, else glibc's mallinfo2)
};

ProcessSample sample_process();

#if defined(__SANITIZE_ADDRESS__)
inline constexpr bool kUnderAsan = true;
#else
inline constexpr bool kUnderAsan = false;
#endif

/// Whose count heap_in_use is.
inline const char* heap_counter_name() { return kUnderAsan ? "ASan" : "glibc"; }

/// glibc counts the chunks its per-thread caches (tcache) hold as in use, so
/// heap_in_use is exact only with them off. Outside ASan, re-executes this program
/// with GLIBC_TUNABLES=glibc.malloc.tcache_count=0 unless that is set already.
void exact_heap_count_or_reexec(char** argv);

}  // namespace twinsock::soak
