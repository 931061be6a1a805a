#include "twinsock/web/browser_loop.hpp"

#include <emscripten.h>

#include <cstdlib>

#include "handle_registry.hpp"
#include "js_api.hpp"

namespace twinsock::web {
namespace {

detail::HandleRegistry<BrowserLoop>& loops() {
  static detail::HandleRegistry<BrowserLoop> registry;
  return registry;
}

}  // namespace

BrowserLoop::BrowserLoop() : handle_(loops().add(this)) {}

BrowserLoop::~BrowserLoop() {
  loops().remove(handle_);
  for (auto& [id, timer] : timers_) twinsock_js_clear_timeout(timer.js_handle);
}

TimePoint BrowserLoop::now() const {
  const auto ms = std::chrono::duration<double, std::milli>(emscripten_get_now());
  return TimePoint(std::chrono::duration_cast<Clock::duration>(ms));
}

TimerId BrowserLoop::set_timer(Duration delay, Callback<void()> fn) {
  const TimerId id = next_id_++;
  if (delay.count() < 0) delay = Duration(0);
  timers_.emplace(id, PendingTimer{arm(id, delay), now() + delay, std::move(fn)});
  return id;
}

int BrowserLoop::arm(TimerId id, Duration delay) {
  return twinsock_js_set_timeout(handle_, static_cast<double>(id), static_cast<double>(delay.count()));
}

void BrowserLoop::cancel_timer(TimerId id) {
  auto it = timers_.find(id);
  if (it == timers_.end()) return;
  twinsock_js_clear_timeout(it->second.js_handle);
  timers_.erase(it);
}

void BrowserLoop::post(Callback<void()> fn) {
  posted_.push_back(std::move(fn));
  if (!flush_scheduled_) {
    flush_scheduled_ = true;
    twinsock_js_schedule_flush(handle_);
  }
}

Subscription BrowserLoop::on_network_lost(Callback<void()> fn) {
  if (!watching_network_) {
    watching_network_ = true;
    twinsock_js_watch_offline(handle_);
  }
  return network_lost_.on(std::move(fn));
}

void BrowserLoop::fire_timer(TimerId id) {
  auto it = timers_.find(id);
  if (it == timers_.end()) return;
  const TimePoint at = now();
  if (at + Duration(1) < it->second.deadline) {  // a delay longer than setTimeout allows
    it->second.js_handle = arm(id, std::chrono::duration_cast<Duration>(it->second.deadline - at));
    return;
  }
  auto fn = std::move(it->second.fn);
  timers_.erase(it);
  fn();
}

void BrowserLoop::run_posted() {
  flush_scheduled_ = false;
  // Only what was queued before this flush runs now; what those functions post
  // waits for the next microtask, so a chain of posts cannot starve the page.
  std::vector<Callback<void()>> batch;
  batch.swap(posted_);
  const std::uint32_t self = handle_;
  for (auto& queued : batch) {
    const auto fn = std::move(queued);  // gone once it has run, as if popped
    fn();
    if (!loops().find(self)) return;  // a callback destroyed the loop
  }
}

}  // namespace twinsock::web

extern "C" {

// The JavaScript side copies strings and bytes into the heap with these (exported
// by the library itself, so programs need not export malloc and free).
// Out of memory ends the module, as a failed operator new does: JavaScript never gets a
// null pointer to write at.
EMSCRIPTEN_KEEPALIVE void* twinsock_js_alloc(std::size_t size) {
  void* p = std::malloc(size);
  if (!p) std::abort();
  return p;
}
EMSCRIPTEN_KEEPALIVE void twinsock_js_free(void* p) { std::free(p); }

EMSCRIPTEN_KEEPALIVE void twinsock_loop_on_timer(std::uint32_t loop, double timer_id) {
  if (auto* l = twinsock::web::loops().find(loop)) l->fire_timer(static_cast<twinsock::TimerId>(timer_id));
}

EMSCRIPTEN_KEEPALIVE void twinsock_loop_on_flush(std::uint32_t loop) {
  if (auto* l = twinsock::web::loops().find(loop)) l->run_posted();
}

EMSCRIPTEN_KEEPALIVE void twinsock_loop_on_offline(std::uint32_t loop) {
  if (auto* l = twinsock::web::loops().find(loop)) l->network_lost();
}

}
