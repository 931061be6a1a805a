#include "fleet.hpp"

#include <algorithm>
#include <charconv>
#include <utility>

#include "twinsock/error.hpp"
#include "twinsock/sio/manager.hpp"
#include "twinsock/sse/client.hpp"
#include "twinsock/ws/client.hpp"

namespace twinsock::soak {
namespace {

using sio::Args;

// A binary payload that says which message it belongs to: the sequence number
// (8 bytes, little-endian), then 16..63 bytes derived from it.
bytes pattern(std::uint64_t seq) {
  bytes out(8 + 16 + seq % 48);
  for (std::size_t i = 0; i < 8; ++i) out[i] = static_cast<std::uint8_t>(seq >> (8 * i));
  for (std::size_t i = 8; i < out.size(); ++i) out[i] = static_cast<std::uint8_t>(seq * 31 + i);
  return out;
}

bool is_pattern(bytes_view data) {
  if (data.size() < 8) return false;
  std::uint64_t seq = 0;
  for (std::size_t i = 0; i < 8; ++i) seq |= std::uint64_t{data[i]} << (8 * i);
  const bytes expected = pattern(seq);
  return data.size() == expected.size() && std::equal(data.begin(), data.end(), expected.begin());
}

std::string text_message(std::uint64_t seq) { return "t:" + std::to_string(seq) + ":" + std::to_string(seq * 7 + 3); }

bool is_text_message(const std::string& text) {
  const std::size_t colon = text.find(':', 2);
  if (text.rfind("t:", 0) != 0 || colon == std::string::npos) return false;
  std::uint64_t seq = 0;
  const auto [end, ec] = std::from_chars(text.data() + 2, text.data() + colon, seq);
  return ec == std::errc() && end == text.data() + colon && text == text_message(seq);
}

ReconnectPolicy quick_backoff(Duration max_delay) {
  return ReconnectPolicy{.min_delay = Duration(100), .max_delay = max_delay, .grow_factor = 1.5, .jitter = 0.5};
}

// Counts a connection and marks the client as back since the last storm.
Subscription count_opens(Event<>& on_open, bool& opened_since_mark, Tally& tally) {
  return on_open.on([&opened_since_mark, &tally] {
    ++tally.connects;
    opened_since_mark = true;
  });
}

}  // namespace

void Tally::error(std::error_code ec) { ++errors[std::string(error_id(ec))]; }

void Tally::wrong(std::string what) {
  ++bad;
  if (bad_examples.size() < 5) bad_examples.push_back(std::move(what));
}

// One Manager with a socket on "/", "/custom" and "/admin" (auth middleware).
struct Fleet::SioPeer {
  std::unique_ptr<sio::Manager> manager;
  std::vector<sio::Socket*> sockets;
  std::vector<bool> connected_since_mark;
  std::uint64_t seq = 0;
  std::vector<Subscription> subs;  // after the manager: unsubscribed first

  SioPeer(native::PollLoop& loop, const std::string& url, int variant, Tally& tally) {
    sio::ManagerOptions options;
    options.reconnection_delay = Duration(100);
    options.reconnection_delay_max = Duration(1000);
    if (variant == 1) options.engine.transports = {"websocket"};
    if (variant == 2) options.engine.upgrade = false;  // stays on long-polling
    manager = std::make_unique<sio::Manager>(loop, url + "/", options);
    subs.push_back(manager->on_error.on([&tally](std::error_code ec, const std::string&) { tally.error(ec); }));
    sio::SocketOptions admin;
    admin.auth = {{"token", "secret"}};
    sockets = {&manager->socket("/"), &manager->socket("/custom"), &manager->socket("/admin", admin)};
    connected_since_mark.assign(sockets.size(), false);
    for (std::size_t i = 0; i < sockets.size(); ++i) {
      sio::Socket& socket = *sockets[i];
      subs.push_back(socket.on_connect.on([this, i, &tally] {
        ++tally.connects;
        connected_since_mark[i] = true;
      }));
      subs.push_back(socket.on_connect_error.on([&tally](const sio::ConnectError& e) { tally.error(e.code); }));
      // The server disconnected us on purpose ("disconnect-me"): come back, as socket.io-client users do.
      subs.push_back(socket.on_disconnect.on([&socket](const std::string& reason) {
        if (reason == "io server disconnect") socket.connect();
      }));
      subs.push_back(socket.on("message-back", [&tally](const Args& args, const sio::Reply&) {
        ++tally.messages;
        if (args.size() != 2 || !args[1].is_binary() || !is_pattern(args[1].get_binary()))
          tally.wrong("Socket.IO echo: " + args.dump().substr(0, 80));
      }));
      subs.push_back(socket.on_any([&tally](const std::string& event, const Args&) {
        if (event != "message-back") ++tally.messages;  // welcome, missed
      }));
    }
  }

  void send(Tally& tally) {
    for (sio::Socket* socket : sockets) {
      if (!socket->connected()) continue;
      const std::uint64_t n = seq++;
      socket->emit("message", Args::array({n, Args::binary(pattern(n))}));
      const Args sent = Args::array({n, "ack " + std::to_string(n)});
      socket->emit("message-with-ack", sent, [&tally, sent](std::error_code ec, const Args& args) {
        if (ec) ++tally.acks_failed;
        else if (args != sent) tally.wrong("Socket.IO ack " + args.dump().substr(0, 80) + " for " + sent.dump());
        else ++tally.messages;
      }, sio::EmitOptions{.timeout = Duration(10'000)});
      tally.sent += 2;
    }
  }

  void provoke() {
    if (sockets[0]->connected()) sockets[0]->emit("cut", Args::array({2}));  // recoverable; 2 events missed meanwhile
    if (sockets[1]->connected()) sockets[1]->emit("disconnect-me");
  }

  bool reconnected() const {
    for (bool c : connected_since_mark)
      if (!c) return false;
    return true;
  }
  bool closed() const { return manager->state() == sio::ManagerState::closed && !manager->draining(); }
};

struct Fleet::WsPeer {
  std::unique_ptr<ws::Client> client;
  bool opened_since_mark = false;
  std::uint64_t seq = 0;
  std::vector<Subscription> subs;

  WsPeer(native::PollLoop& loop, const std::string& url, Tally& tally) {
    ws::ClientOptions options;
    options.reconnect = quick_backoff(Duration(1000));
    options.per_message_deflate = url.ends_with("/deflate");
    options.heartbeat_interval = Duration(2000);  // pings and pongs as well
    options.heartbeat_timeout = Duration(5000);
    client = std::make_unique<ws::Client>(loop, url, options);
    subs.push_back(count_opens(client->on_open, opened_since_mark, tally));
    subs.push_back(client->on_message.on([&tally](const ws::Message& m) {
      ++tally.messages;
      const bool ok = m.is_binary() ? is_pattern(m.bytes()) : is_text_message(m.data);
      if (!ok) tally.wrong("WebSocket echo: " + m.data.substr(0, 80));
    }));
    subs.push_back(client->on_error.on([&tally](std::error_code ec, const std::string&) { tally.error(ec); }));
  }

  void send(Tally& tally) {
    if (client->ready_state() != ws::ReadyState::open) return;
    const std::uint64_t n = seq++;
    client->send(text_message(n));
    const bytes data = pattern(n);
    client->send_binary(data);
    tally.sent += 2;
  }
};

struct Fleet::SsePeer {
  std::unique_ptr<sse::Client> client;
  bool opened_since_mark = false;
  std::uint64_t last_id = 0;
  std::vector<Subscription> subs;

  SsePeer(native::PollLoop& loop, const std::string& url, Tally& tally) {
    sse::ClientOptions options;
    options.reconnect = quick_backoff(Duration(2000));
    client = std::make_unique<sse::Client>(loop, url, options);
    subs.push_back(count_opens(client->on_open, opened_since_mark, tally));
    // Resumed with Last-Event-ID after every cut: ids follow each other, none twice,
    // and the event cut in the middle ("id: 999") is never dispatched.
    subs.push_back(client->on_message.on([this, &tally](const sse::MessageEvent& e) {
      ++tally.messages;
      const std::string expected = std::to_string(last_id + 1);
      if (e.last_event_id != expected || e.data != "event " + expected)
        tally.wrong("SSE event id " + e.last_event_id + " data '" + e.data + "' after id " + std::to_string(last_id));
      last_id += 1;
    }));
    subs.push_back(client->on_error.on([&tally](std::error_code ec, const std::string&, int) { tally.error(ec); }));
  }
};

Fleet::Fleet(native::PollLoop& loop, ServerUrls urls, FleetSize size, Tally& tally)
    : loop_(loop), urls_(std::move(urls)), size_(size), tally_(tally) {
  create();
}

Fleet::~Fleet() = default;

void Fleet::create() {
  for (int i = 0; i < size_.sio; ++i) sio_.push_back(std::make_unique<SioPeer>(loop_, urls_.sio, i % 3, tally_));
  for (int i = 0; i < size_.ws; ++i)
    ws_.push_back(std::make_unique<WsPeer>(loop_, urls_.ws + (i % 3 == 2 ? "/deflate" : "/echo"), tally_));
  for (int i = 0; i < size_.sse; ++i)
    sse_.push_back(std::make_unique<SsePeer>(loop_, urls_.sse + "/drop?n=1000000000", tally_));
}

void Fleet::send_traffic() {
  for (auto& peer : sio_) peer->send(tally_);
  for (auto& peer : ws_) peer->send(tally_);
}

void Fleet::provoke_disconnects() {
  for (auto& peer : sio_) peer->provoke();
  for (auto& peer : ws_) peer->client->reconnect(1012, "soak");
}

void Fleet::churn() {
  sio_.clear();
  ws_.clear();
  sse_.clear();
  create();
}

void Fleet::mark_storm() {
  for (auto& peer : sio_) peer->connected_since_mark.assign(peer->sockets.size(), false);
  for (auto& peer : ws_) peer->opened_since_mark = false;
  for (auto& peer : sse_) peer->opened_since_mark = false;
}

bool Fleet::all_reconnected() const {
  for (const auto& peer : sio_)
    if (!peer->reconnected()) return false;
  for (const auto& peer : ws_)
    if (!peer->opened_since_mark) return false;
  for (const auto& peer : sse_)
    if (!peer->opened_since_mark) return false;
  return true;
}

void Fleet::close_all() {
  for (auto& peer : sio_) peer->manager->close();
  for (auto& peer : ws_) peer->client->close();
  for (auto& peer : sse_) peer->client->close();
}

bool Fleet::closed() const {
  for (const auto& peer : sio_)
    if (!peer->closed()) return false;
  for (const auto& peer : ws_)
    if (peer->client->ready_state() != ws::ReadyState::closed) return false;
  for (const auto& peer : sse_)
    if (peer->client->ready_state() != sse::ReadyState::closed) return false;
  return true;
}

}  // namespace twinsock::soak
