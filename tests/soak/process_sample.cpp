#include "process_sample.hpp"

#include <dirent.h>
#include <malloc.h>
#include <unistd.h>

#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#if defined(__SANITIZE_ADDRESS__)
// ASan's runtime exports it; GCC ships no header for it (clang's sanitizer/allocator_interface.h).
extern "C" std::size_t __sanitizer_get_current_allocated_bytes();
#endif

namespace twinsock::soak {
namespace {

long resident_kb() {
  std::FILE* f = std::fopen("/proc/self/statm", "r");
  if (!f) return -1;
  long size = 0, resident = 0;
  const int read = std::fscanf(f, "%ld %ld", &size, &resident);
  std::fclose(f);
  return read == 2 ? resident * (sysconf(_SC_PAGESIZE) / 1024) : -1;
}

int open_descriptors() {
  DIR* dir = opendir("/proc/self/fd");
  if (!dir) return -1;
  int n = 0;
  while (const dirent* entry = readdir(dir))
    if (entry->d_name[0] != '.') ++n;
  closedir(dir);
  return n - 1;  // the directory's own descriptor
}

std::size_t heap_bytes() {
#if defined(__SANITIZE_ADDRESS__)
  // Freed chunks leave this count at free(), even while ASan's quarantine keeps them.
  return __sanitizer_get_current_allocated_bytes();
#else
  const struct mallinfo2 info = mallinfo2();
  return info.uordblks + info.hblkhd;  // arena chunks in use + mmapped chunks
#endif
}

}  // namespace

ProcessSample sample_process() { return {resident_kb(), open_descriptors(), heap_bytes()}; }

void exact_heap_count_or_reexec(char** argv) {
  if constexpr (kUnderAsan) return;  // ASan has its own allocator
  const char* tunables = std::getenv("GLIBC_TUNABLES");
  if (tunables && std::strstr(tunables, "glibc.malloc.tcache_count=0")) return;
  std::string value = "glibc.malloc.tcache_count=0";
  if (tunables && *tunables) value = std::string(tunables) + ":" + value;
  setenv("GLIBC_TUNABLES", value.c_str(), 1);
  execv("/proc/self/exe", argv);
  std::perror("soak: re-executing with tcache off");  // goes on with a less exact heap count
}

}  // namespace twinsock::soak
