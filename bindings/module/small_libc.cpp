// A small snprintf and strerror_r for this module only (not for twinsock_web,
// whose users may print what they like); natively they are only compiled for
// their unit test.
//
// Nothing in the module formats text with printf or describes errno values
// except libc++'s message for the generic and system error categories, which
// the browser never produces (it has no errno), yet that one function links
// musl's whole printf and its table of errno sentences: 5.3 KB of the gzipped
// package. This snprintf knows %d %i %u %s %c %% with the l, ll and z length
// modifiers; any other conversion is written out as it stands, consuming no
// argument, so a format it does not know cannot read past its arguments.
#include "small_libc.hpp"

namespace {

class Output {
 public:
  Output(char* out, std::size_t capacity) : out_(out), capacity_(capacity) {}
  void put(char c) {
    if (size_ + 1 < capacity_) out_[size_] = c;
    ++size_;
  }
  void put(const char* s) {
    while (*s) put(*s++);
  }
  void put_unsigned(unsigned long long value) {
    char digits[20];
    int n = 0;
    do digits[n++] = static_cast<char>('0' + value % 10);
    while ((value /= 10) != 0);
    while (n) put(digits[--n]);
  }
  int finish() {
    if (capacity_) out_[size_ < capacity_ ? size_ : capacity_ - 1] = '\0';
    return static_cast<int>(size_);
  }

 private:
  char* out_;
  std::size_t capacity_;
  std::size_t size_ = 0;
};

}  // namespace

namespace twinsock::bindings {

int small_vsnprintf(char* out, std::size_t capacity, const char* format, std::va_list args) {
  Output o(out, capacity);
  for (const char* p = format; *p; ++p) {
    if (*p != '%') {
      o.put(*p);
      continue;
    }
    const char* start = p++;
    int longs = 0;
    bool size_t_arg = false;
    for (; *p == 'l' || *p == 'z'; ++p) (*p == 'l' ? ++longs : size_t_arg = true);
    switch (*p) {
      case 'd':
      case 'i': {
        const long long v = size_t_arg ? static_cast<long long>(va_arg(args, std::ptrdiff_t))
                            : longs >= 2 ? va_arg(args, long long)
                            : longs == 1 ? va_arg(args, long)
                                         : va_arg(args, int);
        if (v < 0) o.put('-');
        o.put_unsigned(v < 0 ? 0ull - static_cast<unsigned long long>(v) : static_cast<unsigned long long>(v));
        break;
      }
      case 'u':
        o.put_unsigned(size_t_arg    ? va_arg(args, std::size_t)
                       : longs >= 2 ? va_arg(args, unsigned long long)
                       : longs == 1 ? va_arg(args, unsigned long)
                                    : va_arg(args, unsigned));
        break;
      case 's': {
        const char* s = va_arg(args, const char*);
        o.put(s ? s : "(null)");
        break;
      }
      case 'c':
        o.put(static_cast<char>(va_arg(args, int)));
        break;
      case '%':
        o.put('%');
        break;
      default:  // not known: as it stands
        for (const char* q = start; q <= p && *q; ++q) o.put(*q);
        if (!*p) return o.finish();
    }
  }
  return o.finish();
}

int small_snprintf(char* out, std::size_t capacity, const char* format, ...) {
  std::va_list args;
  va_start(args, format);
  const int n = small_vsnprintf(out, capacity, format, args);
  va_end(args);
  return n;
}

int small_strerror_r(int error, char* out, std::size_t capacity) {
  small_snprintf(out, capacity, "system error %d", error);
  return 0;
}

}  // namespace twinsock::bindings

#ifdef __EMSCRIPTEN__
// In the module they stand in for libc's: the linker takes these before looking in libc.
extern "C" int vsnprintf(char* out, std::size_t capacity, const char* format, std::va_list args) {
  return twinsock::bindings::small_vsnprintf(out, capacity, format, args);
}
extern "C" int snprintf(char* out, std::size_t capacity, const char* format, ...) {
  std::va_list args;
  va_start(args, format);
  const int n = twinsock::bindings::small_vsnprintf(out, capacity, format, args);
  va_end(args);
  return n;
}
extern "C" int strerror_r(int error, char* out, std::size_t capacity) {
  return twinsock::bindings::small_strerror_r(error, out, capacity);
}
#endif
