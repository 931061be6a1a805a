// A move-only std::function for the callbacks the SDK stores once and never
// copies (event listeners, timers, posted tasks). Each callable type costs one
// call thunk (plus a destroy thunk when it lives on the heap), where a
// std::function also instantiates copy, clone and target machinery: about 4 KB
// gzip of the WASM build. Small trivially copyable callables ([this], a few
// pointers or numbers) live inline, so moving one is a plain copy of bytes.
#pragma once

#include <cstddef>
#include <cstring>
#include <functional>
#include <new>
#include <type_traits>
#include <utility>

namespace twinsock {

template <typename Signature>
class Callback;

template <typename R, typename... Args>
class Callback<R(Args...)> {
 public:
  Callback() noexcept = default;
  Callback(std::nullptr_t) noexcept {}  // NOLINT(google-explicit-constructor): as std::function

  /// Takes any callable; an empty std::function or a null function pointer makes an empty Callback.
  template <typename F, typename Fn = std::decay_t<F>,
            typename = std::enable_if_t<!std::is_same_v<Fn, Callback> && std::is_invocable_r_v<R, Fn&, Args...>>>
  Callback(F&& f) {  // NOLINT(google-explicit-constructor): as std::function
    // A function itself (not a pointer to one) is never null.
    if constexpr (!std::is_function_v<std::remove_reference_t<F>> &&
                  (std::is_pointer_v<Fn> || std::is_member_pointer_v<Fn> || is_std_function<Fn>::value)) {
      if (!f) return;
    }
    if constexpr (fits_inline<Fn>()) {
      ::new (static_cast<void*>(storage_)) Fn(std::forward<F>(f));
      call_ = [](const Callback& self, Args&&... args) -> R {
        return invoke(*std::launder(reinterpret_cast<Fn*>(const_cast<unsigned char*>(self.storage_))),
                      std::forward<Args>(args)...);
      };
    } else {
      Fn* held = new Fn(std::forward<F>(f));
      std::memcpy(storage_, &held, sizeof held);
      call_ = [](const Callback& self, Args&&... args) -> R {
        return invoke(*self.heap<Fn>(), std::forward<Args>(args)...);
      };
      destroy_ = [](Callback& self) { delete self.heap<Fn>(); };
    }
  }

  Callback(Callback&& other) noexcept { take(other); }
  Callback& operator=(Callback&& other) noexcept {
    if (this != &other) {
      reset();
      take(other);
    }
    return *this;
  }
  Callback& operator=(std::nullptr_t) noexcept {
    reset();
    return *this;
  }
  Callback(const Callback&) = delete;
  Callback& operator=(const Callback&) = delete;
  ~Callback() { reset(); }

  explicit operator bool() const noexcept { return call_ != nullptr; }

  /// Calls the callable (as std::function, a const call of a possibly mutable callable).
  /// Calling an empty Callback is a precondition violation.
  R operator()(Args... args) const { return call_(*this, std::forward<Args>(args)...); }

 private:
  template <typename T>
  struct is_std_function : std::false_type {};
  template <typename S>
  struct is_std_function<std::function<S>> : std::true_type {};

  // std::invoke_r (C++23): a callable's result is dropped when R is void.
  template <typename Fn>
  static R invoke(Fn& fn, Args&&... args) {
    if constexpr (std::is_void_v<R>) std::invoke(fn, std::forward<Args>(args)...);
    else return std::invoke(fn, std::forward<Args>(args)...);
  }

  static constexpr std::size_t kInlineSize = 2 * sizeof(void*);

  // Inline only what can be moved by copying its bytes and needs no destructor.
  template <typename Fn>
  static constexpr bool fits_inline() {
    return sizeof(Fn) <= kInlineSize && alignof(Fn) <= alignof(void*) && std::is_trivially_copyable_v<Fn>;
  }

  template <typename Fn>
  Fn* heap() const {
    Fn* held;
    std::memcpy(&held, storage_, sizeof held);
    return held;
  }

  void take(Callback& other) noexcept {
    std::memcpy(storage_, other.storage_, kInlineSize);
    call_ = std::exchange(other.call_, nullptr);
    destroy_ = std::exchange(other.destroy_, nullptr);
  }

  void reset() noexcept {
    if (destroy_) destroy_(*this);
    call_ = nullptr;
    destroy_ = nullptr;
  }

  alignas(void*) unsigned char storage_[kInlineSize] = {};
  R (*call_)(const Callback&, Args&&...) = nullptr;
  void (*destroy_)(Callback&) = nullptr;
};

}  // namespace twinsock
