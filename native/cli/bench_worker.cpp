#include "bench_worker.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "twinsock/error.hpp"

namespace twinsock::cli {
namespace {

void bump(std::atomic<std::uint64_t>& counter, std::uint64_t n = 1) {
  counter.fetch_add(n, std::memory_order_relaxed);
}

/// Microseconds from `from` to `to` (0 if `to` is earlier).
std::uint64_t micros_between(Clock::time_point from, Clock::time_point to) {
  const auto us = std::chrono::duration_cast<std::chrono::microseconds>(to - from).count();
  return us < 0 ? 0 : static_cast<std::uint64_t>(us);
}

}  // namespace

Worker::Worker(const BenchConfig& config, Counters& counters, long first, long count, int index)
    : config_(config),
      counters_(counters),
      first_(first),
      launch_timer_(loop_),
      close_timer_(loop_),
      payload_(nlohmann::json::array({std::string(config.payload_bytes, 'x')})),
      rng_(static_cast<std::uint32_t>(0x9e3779b9u * static_cast<unsigned>(index + 1))) {
  clients_.reserve(static_cast<std::size_t>(count));
  for (long i = 0; i < count; ++i) clients_.push_back(std::make_unique<Client>(loop_));
  const double share = static_cast<double>(count) / static_cast<double>(config.clients);
  ramp_ = config.ramp * share;
  max_in_flight_ = std::max<long>(1, static_cast<long>(std::floor(static_cast<double>(kMaxInFlight) * share)));
}

void Worker::start() {
  thread_ = std::thread([this] {
    loop_.post([this] {
      started_at_ = loop_.now();
      launch_some();
    });
    loop_.run();
  });
}

void Worker::join() {
  if (thread_.joinable()) thread_.join();
}

void Worker::start_sending() {
  loop_.post([this] { begin_sending(); });
}

void Worker::stop_sending() {
  loop_.post([this] {
    sending_ = false;
    for (auto& c : clients_) c->send_timer.cancel();
  });
}

void Worker::close_all() {
  loop_.post([this] { begin_close(); });
}

void Worker::count_error(std::error_code ec) {
  ++errors_[std::string(error_id(ec))];
  bump(counters_.errors);
}

void Worker::launch_some() {
  if (closing_) return;
  const long total = static_cast<long>(clients_.size());
  long allowed = total - next_;
  if (ramp_ > 0) {
    const double elapsed = std::chrono::duration<double>(loop_.now() - started_at_).count();
    allowed = std::min(allowed, static_cast<long>(std::floor(elapsed * ramp_)) + 1 - next_);
  }
  allowed = std::min(allowed, max_in_flight_ - in_flight_);
  for (long i = 0; i < allowed; ++i) launch(*clients_[static_cast<std::size_t>(next_++)]);
  if (next_ >= total) {
    if (settled_count_ == total) mark_settled();
    return;
  }
  // With a ramp, wake up for the next slot; without, the next settle launches more.
  if (ramp_ > 0 && !launch_timer_.armed()) launch_timer_.start(Duration(10), [this] { launch_some(); });
}

void Worker::launch(Client& c) {
  sio::ManagerOptions options = config_.manager;
  if (config_.verbose) {
    const std::string prefix = "[" + std::to_string(first_ + next_ - 1) + "] ";
    options.engine.trace = [prefix](std::string_view line) {
      std::fprintf(stderr, "%s%.*s\n", prefix.c_str(), static_cast<int>(line.size()), line.data());
    };
  }
  c.state = State::connecting;
  c.launched_at = loop_.now();
  ++in_flight_;
  bump(counters_.launched);
  c.manager = std::make_unique<sio::Manager>(loop_, config_.url, std::move(options));
  c.socket = &c.manager->socket();
  c.subs.push_back(c.socket->on_connect.on([this, &c] {
    if (c.state != State::connecting) return;
    c.state = State::connected;
    connect_latency_.record(micros_between(c.launched_at, loop_.now()));
    bump(counters_.connected);
    settle_one();
    if (sending_) schedule_first(c);
  }));
  c.subs.push_back(c.socket->on_connect_error.on([this, &c](const sio::ConnectError& e) {
    if (c.state != State::connecting) return;
    c.state = State::failed;
    count_error(e.code ? e.code : std::error_code(errc::connect_failed));
    bump(counters_.failed);
    // Free the descriptor and the memory of a client that will never connect.
    loop_.post([&c] {
      c.subs.clear();
      c.manager.reset();
      c.socket = nullptr;
    });
    settle_one();
  }));
  c.subs.push_back(c.socket->on_disconnect.on([this, &c](const std::string& reason) {
    if (c.state != State::connected || closing_) return;
    c.state = State::disconnected;
    c.send_timer.cancel();
    ++disconnect_reasons_[reason];
    bump(counters_.disconnected);
  }));
  c.subs.push_back(c.socket->on_any([this](const std::string&, const sio::Args&) { bump(counters_.received); }));
  c.subs.push_back(c.manager->on_error.on([this, &c](std::error_code ec, const std::string&) {
    if (c.state == State::connected && !closing_) count_error(ec);  // connect failures count once, above
  }));
  c.socket->connect();
}

void Worker::settle_one() {
  --in_flight_;
  ++settled_count_;
  if (next_ >= static_cast<long>(clients_.size()) && settled_count_ == static_cast<long>(clients_.size()))
    mark_settled();
  else
    launch_some();
}

void Worker::mark_settled() {
  if (settled()) return;
  settled_at_ = loop_.now();
  settled_.store(true, std::memory_order_release);
}

void Worker::begin_sending() {
  if (closing_ || config_.rate <= 0) return;
  sending_ = true;
  for (auto& c : clients_)
    if (c->state == State::connected) schedule_first(*c);
}

Clock::duration Worker::period() const {
  return std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(1.0 / config_.rate));
}

// Spreads the clients' first messages over one period so they do not all send in the same millisecond.
void Worker::schedule_first(Client& c) {
  std::uniform_real_distribution<double> fraction(0.0, 1.0);
  c.next_due = loop_.now() + std::chrono::duration_cast<Clock::duration>(period() * fraction(rng_));
  schedule(c);
}

void Worker::schedule(Client& c) {
  const auto wait = c.next_due - loop_.now();
  const auto ms =
      std::max<long>(0, static_cast<long>(std::ceil(std::chrono::duration<double, std::milli>(wait).count())));
  c.send_timer.start(Duration(ms), [this, &c] { fire(c); });
}

// Sends every message that is due (at most 100 per wake-up), then re-arms: an
// open-loop schedule, so a slow server does not slow the offered rate down;
// more than a second behind, the backlog is dropped.
void Worker::fire(Client& c) {
  if (!sending_ || c.state != State::connected) return;
  const TimePoint now = loop_.now();
  const Clock::duration step = period();
  for (int n = 0; n < 100 && c.next_due <= now; ++n) {
    emit_one(c);
    if (c.state != State::connected || !sending_) return;
    c.next_due += step;
  }
  if (c.next_due + std::chrono::seconds(1) < now) c.next_due = now;
  schedule(c);
}

void Worker::emit_one(Client& c) {
  std::error_code ec;
  if (config_.ack) {
    const Clock::time_point sent_at = native::PollLoop::clock_now();
    ec = c.socket->emit(config_.event, payload_,
                        [this, sent_at](std::error_code error, const sio::Args&) {
                          if (!error) {
                            ack_latency_.record(micros_between(sent_at, native::PollLoop::clock_now()));
                            bump(counters_.acked);
                          } else if (!closing_) {  // acks still owed at the end are counted as unacked, not errors
                            bump(counters_.ack_failed);
                            count_error(error);
                          }
                        },
                        {.timeout = config_.ack_timeout});
  } else {
    ec = c.socket->emit(config_.event, payload_);
  }
  if (ec)
    count_error(ec);
  else
    bump(counters_.sent);
}

void Worker::begin_close() {
  closing_ = true;
  sending_ = false;
  launch_timer_.cancel();
  for (auto& c : clients_) {
    c->send_timer.cancel();
    if (!c->manager) continue;
    if (c->socket && c->socket->connected()) c->socket->disconnect();
    c->manager->close();
  }
  close_deadline_ = loop_.now() + Duration(3000);
  finish_close();
}

// Waits (bounded) until every closed connection has said goodbye, then destroys them all.
void Worker::finish_close() {
  const bool draining =
      std::any_of(clients_.begin(), clients_.end(), [](const auto& c) { return c->manager && c->manager->draining(); });
  if (draining && loop_.now() < close_deadline_) {
    close_timer_.start(Duration(20), [this] { finish_close(); });
    return;
  }
  for (auto& c : clients_) {
    c->subs.clear();
    c->manager.reset();
    c->socket = nullptr;
  }
  // Destroyed engines may have posted their last clean-ups: run them, then stop.
  loop_.post([this] { loop_.stop(); });
}

}  // namespace twinsock::cli
