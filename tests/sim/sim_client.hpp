// The client under test and the shape every schedule has, the same for the
// Socket.IO Manager, the WebSocket client and the SSE client.
#pragma once

#include <functional>
#include <memory>
#include <span>
#include <string>
#include <utility>

#include "sim_world.hpp"

namespace twinsock::sim {

/// Owns the client of one schedule: destroying it (between callbacks, or inside
/// one through the armed trap) and checking that nothing is left afterwards.
template <typename Client>
class Subject {
 public:
  explicit Subject(World& world) : w_(world) {}

  template <typename... Args>
  Client& make(Args&&... args) {
    client_ = std::make_unique<Client>(std::forward<Args>(args)...);
    return *client_;
  }
  Client& operator*() { return *client_; }
  Client* operator->() { return client_.get(); }

  bool destroyed() const { return w_.guard.is_destroyed(); }
  void destroy(const std::string& where) {
    w_.step("user: destroys the client " + where);
    client_.reset();
    w_.guard.destroyed();
  }

  /// The user's moves: now and then arm the trap on one of `events`; rarely destroy at once.
  void offer(Menu& menu, std::span<const char* const> events) {
    if (trap_.empty() && w_.chance(0.3))
      menu.add(1, [this, events] {
        trap_ = events[w_.below(events.size())];
        w_.step("user: will destroy the client inside " + trap_);
      });
    if (w_.chance(0.05)) menu.add(1, [this] { destroy("between callbacks"); });
  }
  /// Called by the listener of `event`: the armed trap destroys the client inside it.
  void trap(const std::string& event) {
    if (trap_ != event || destroyed()) return;
    destroy("inside " + event);
    w_.count("destroyed in a callback");
  }

  /// Once destroyed (and the loop's posted work run): no timer, no transport left.
  void check_destroyed(std::size_t transports_held) {
    w_.inv.check(w_.loop.timer_count() == 0, "timers left after the client was destroyed");
    w_.inv.check(transports_held == 0, "a transport left after the client was destroyed");
  }
  /// The step's checks when the client is gone: true when it is (nothing else to check).
  template <typename Held>
  bool gone(Held&& transports_held) {
    if (!destroyed()) return false;
    w_.loop.run_posted();
    check_destroyed(transports_held());
    return true;
  }

 private:
  World& w_;
  std::unique_ptr<Client> client_;
  std::string trap_;
};

/// One chaos step: the server's, the user's and the clock's moves, one picked by weight.
template <typename Offer>
void chaos_turn(World& world, Offer&& offer, std::function<void()> after_clock) {
  Menu menu;
  offer(menu);
  offer_clock(world, menu, 1, std::move(after_clock));
  menu.run(world);
  world.loop.run_posted();
}

/// One schedule: the setup, chaos steps with the invariants checked after each,
/// then the drain (the faults stop) and the destroy; a destroyed client ends it early.
/// `Sim` has configure(), chaos_step(), check_step(), drain_and_close(),
/// transports_held() and client() (its Subject).
template <typename Sim>
void play(World& world, Sim& sim, int min_steps, int max_steps) {
  auto& client = sim.client();
  sim.configure();
  sim.check_step();
  const int steps = world.between(min_steps, max_steps);
  for (int i = 0; i < steps && !world.inv.failed() && !client.destroyed(); ++i) {
    sim.chaos_step();
    sim.check_step();
  }
  if (!world.inv.failed() && !client.destroyed()) sim.drain_and_close();
  if (world.inv.failed()) return;
  if (!client.destroyed()) client.destroy("at the end of the schedule");
  client.gone([&] { return sim.transports_held(); });
}

}  // namespace twinsock::sim
