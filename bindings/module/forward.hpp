// Listeners that forward a client's event to the facade's dispatcher under a
// name, one type per signature instead of a lambda per event: every distinct
// callable kept in a std::function brings its own call, copy and destroy code
// into the wasm (about 0.13 KB gzip each).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <system_error>

#include "js_calls.hpp"
#include "js_value.hpp"
#include "twinsock/loop.hpp"

namespace twinsock::bindings {

/// fn(type)
struct Signal {
  Handle fn;
  const char* type;
  void operator()() const { call_js(fn, type); }
};

/// fn(type, text): a reason, a transport's name, a trace line.
struct TextSignal {
  Handle fn;
  const char* type;
  void operator()(std::string_view text) const { call_js(fn, type, text); }
};

/// fn(type, n, 0): a reconnection attempt's number.
struct CountSignal {
  Handle fn;
  const char* type;
  void operator()(std::uint32_t n) const { call_js(fn, type, n, 0); }
};

/// fn(type, attempt, delayMs): a reconnection scheduled.
struct RetrySignal {
  Handle fn;
  const char* type;
  void operator()(std::uint32_t attempt, Duration delay) const {
    call_js(fn, type, attempt, static_cast<double>(delay.count()));
  }
};

/// fn(type, error): an error and its detail, as the facade's TwinsockError fields.
struct ErrorSignal {
  Handle fn;
  const char* type;
  void operator()(std::error_code ec, const std::string& detail) const {
    call_js_with_object(fn, type, error_to_js(ec, detail));
  }
};

}  // namespace twinsock::bindings
