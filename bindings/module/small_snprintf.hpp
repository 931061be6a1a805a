// The npm module's stand-in for libc's snprintf (see small_snprintf.cpp).
#pragma once

#include <cstdarg>
#include <cstddef>

namespace twinsock::bindings {

/// snprintf's contract for %d %i %u %s %c %% (with l, ll, z); other conversions are
/// copied as they stand. Returns the length the full text needs.
int small_vsnprintf(char* out, std::size_t capacity, const char* format, std::va_list args);
int small_snprintf(char* out, std::size_t capacity, const char* format, ...);

}  // namespace twinsock::bindings
