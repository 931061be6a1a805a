// The npm module's stand-ins for libc's snprintf and strerror_r (see small_libc.cpp).
#pragma once

#include <cstdarg>
#include <cstddef>

namespace twinsock::bindings {

/// snprintf's contract for %d %i %u %s %c %% (with l, ll, z); other conversions are
/// copied as they stand. Returns the length the full text needs.
int small_vsnprintf(char* out, std::size_t capacity, const char* format, std::va_list args);
int small_snprintf(char* out, std::size_t capacity, const char* format, ...);
/// XSI strerror_r: "system error N" (the browser has no errno to describe). Returns 0.
int small_strerror_r(int error, char* out, std::size_t capacity);

}  // namespace twinsock::bindings
