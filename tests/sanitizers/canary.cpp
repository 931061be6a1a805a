// Proves that the native test tree's sanitizers fail a test: each mode commits one
// defect that ASan, UBSan or LSan must turn into a failing exit with its report.
// tests/sanitizers/CMakeLists.txt runs every mode and expects exactly that, so a
// build that lost -fsanitize or -fno-sanitize-recover fails these tests.
#include <climits>
#include <cstdio>
#include <cstring>

namespace {

volatile int sink;

int signed_overflow() {
  volatile int big = INT_MAX;
  sink = big + 1;  // UBSan: signed integer overflow; must stop here, not report and go on
  return 0;
}

int use_after_free() {
  int* p = new int[4]();
  delete[] p;
  sink = p[1];  // ASan: heap-use-after-free
  return 0;
}

int leak() {
  int* volatile p = new int[64]();
  p = nullptr;  // LSan reports the 256 bytes at exit
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const char* mode = argc > 1 ? argv[1] : "";
  if (std::strcmp(mode, "signed-overflow") == 0) return signed_overflow();
  if (std::strcmp(mode, "use-after-free") == 0) return use_after_free();
  if (std::strcmp(mode, "leak") == 0) return leak();
  std::fprintf(stderr, "usage: sanitizer_canary signed-overflow|use-after-free|leak\n");
  return 2;
}
