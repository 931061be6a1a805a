#include "sio_server.hpp"

#include <algorithm>
#include <vector>

#include "codec/eio/payload.hpp"

namespace twinsock::sim {
namespace {

// The value of `name` in the URL's query ("" when absent).
std::string query_param(const std::string& url, const std::string& name) {
  const std::size_t q = url.find('?');
  if (q == std::string::npos) return "";
  std::size_t at = q + 1;
  while (at < url.size()) {
    std::size_t end = url.find('&', at);
    if (end == std::string::npos) end = url.size();
    const std::string pair = url.substr(at, end - at);
    if (pair.rfind(name + "=", 0) == 0) return pair.substr(name.size() + 1);
    at = end + 1;
  }
  return "";
}

// `3/chat,` style prefix of a Socket.IO packet for `nsp`.
std::string nsp_prefix(const std::string& nsp) { return nsp == "/" ? "" : nsp + ","; }

const Headers kJson = {{"Content-Type", "application/json"}};

}  // namespace

void SioServer::set_faults(bool on) {
  faults_ = on;
  if (!on)
    for (auto& [sid, s] : sessions_) s.silent = false;
}

SioServer::Session* SioServer::find(const std::string& sid) {
  auto it = sessions_.find(sid);
  return it == sessions_.end() ? nullptr : &it->second;
}

SioServer::Session& SioServer::create_session() {
  const std::string sid = "e" + std::to_string(++next_sid_);
  Session& s = sessions_[sid];
  s.sid = sid;
  s.last_ping = w_.loop.now();
  w_.count("sessions");
  return s;
}

std::string SioServer::open_packet(const Session& s, bool polling) const {
  const bool upgrade = polling && settings_.offer_upgrade;
  return "0{\"sid\":\"" + s.sid + "\",\"upgrades\":" + (upgrade ? "[\"websocket\"]" : "[]") +
         ",\"pingInterval\":" + std::to_string(settings_.ping_interval_ms) +
         ",\"pingTimeout\":" + std::to_string(settings_.ping_timeout_ms) +
         ",\"maxPayload\":" + std::to_string(settings_.max_payload) + "}";
}

std::string SioServer::sid_of(const WsLink& link) const {
  auto it = links_.find(link.id);
  if (it != links_.end() && !it->second.sid.empty()) return it->second.sid;
  return query_param(link.params.url, "sid");
}

// ---- reading what the client wrote

void SioServer::read() {
  // Links the client dropped and the server has read through are done with: skipped from then on.
  for (std::size_t i = ws_read_from_; i < ws_.links.size(); ++i) {
    WsLink& link = *ws_.links[i];
    read_ws(link);
    if (i == ws_read_from_ && !link.held) ++ws_read_from_;
  }
  for (std::size_t i = http_read_from_; i < http_.links.size(); ++i) {
    HttpLink& link = *http_.links[i];
    read_request(link);
    if (i == http_read_from_ && !link.held) ++http_read_from_;
  }
}

void SioServer::read_ws(WsLink& link) {
  LinkInfo& info = links_[link.id];
  if (info.sid.empty()) {
    info.sid = query_param(link.params.url, "sid");
    info.probe = !info.sid.empty();
  }
  for (; link.read < link.sent.size(); ++link.read) {
    const std::string& frame = link.sent[link.read];
    Session* s = find(info.sid);
    eio::Packet packet;
    if (frame.rfind("bin:", 0) == 0) {
      packet = eio::decode_binary(as_bytes(std::string_view(frame).substr(4)));
    } else if (auto ec = eio::decode_text(frame, packet)) {
      inv_.check_that(false, [&] { return "the client sent an undecodable WebSocket message: " + frame; });
      continue;
    }
    if (packet.type == eio::PacketType::ping && packet.data == "probe") {
      if (info.probe && s && !s->gone && !s->websocket) {
        info.outbox.push_back("3probe");
        queue(*s, "6", Kind::control);  // ends the held GET so polling can pause
      }
      continue;
    }
    if (packet.type == eio::PacketType::upgrade) {
      if (!info.probe || !s || s->gone) continue;
      http_.each_held([&](HttpLink& r) {
        if (r.live() && requests_[r.id].sid == s->sid)
          inv_.check(false, "the client finished the upgrade with a polling request still in flight");
      });
      s->websocket = true;
      s->ws = link.id;
      w_.count("upgrades");
      continue;
    }
    on_packet(s, packet, "websocket");
  }
}

void SioServer::read_request(HttpLink& link) {
  if (link.seen) return;
  link.seen = true;
  RequestInfo& info = requests_[link.id];
  info.sid = query_param(link.request.url, "sid");
  if (link.request.method == "GET") {
    info.kind = info.sid.empty() ? RequestKind::handshake : RequestKind::poll;
  } else {
    info.kind = RequestKind::post;
    inv_.check(!info.sid.empty(), "a POST without a session id");
  }
  Session* s = find(info.sid);
  if (s && s->websocket && link.live())
    inv_.check(false, "the client used polling after the session was upgraded to WebSocket");
  if (info.kind != RequestKind::post) return;
  std::vector<eio::Packet> packets;
  if (auto ec = eio::decode_payload(link.request.body, packets)) {
    inv_.check_that(false, [&] { return "the client POSTed an undecodable payload: " + link.request.body; });
    return;
  }
  if (packets.size() > 1)
    inv_.check_that(link.request.body.size() <= settings_.max_payload, [&] {
      return "a POST of " + std::to_string(packets.size()) + " packets and " + std::to_string(link.request.body.size()) +
             " bytes exceeds maxPayload " + std::to_string(settings_.max_payload);
    });
  for (auto& packet : packets) on_packet(s, packet, "polling");
}

void SioServer::on_packet(Session* s, eio::Packet& packet, const std::string& where) {
  if (!s) return;  // a session the server never made (or forgot): dropped
  switch (packet.type) {
    case eio::PacketType::close:
      s->gone = true;
      w_.note("server: session " + s->sid + " closed by the client (" + where + ")");
      return;
    case eio::PacketType::pong: s->awaiting_pong = false; return;
    case eio::PacketType::message: break;
    default: return;
  }
  if (s->gone) return;
  const std::error_code ec =
      packet.is_binary ? s->decoder.add_binary(packet.binary) : s->decoder.add_text(packet.data);
  inv_.check_that(!ec, [&] { return "the client sent an undecodable Socket.IO packet: " + packet.data; });
  while (auto p = s->decoder.next()) on_sio(*s, *p);
  if (ec) s->decoder.reset();
}

void SioServer::on_sio(Session& s, sio::Packet& p) {
  const std::string pre = nsp_prefix(p.nsp);
  switch (p.type) {
    case sio::PacketType::connect: {
      if (faults_ && w_.chance(0.07)) {
        queue(s, "44" + pre + "{\"message\":\"Not authorized\",\"data\":{\"retry\":true}}", Kind::connect);
        w_.note("server: refuses CONNECT " + p.nsp);
        return;
      }
      if (faults_ && w_.chance(0.03)) {
        w_.note("server: ignores CONNECT " + p.nsp);
        return;
      }
      s.connected.insert(p.nsp);
      s.accepted.insert(p.nsp);
      queue(s, "40" + pre + "{\"sid\":\"n" + std::to_string(++next_socket_) + "\"}", Kind::connect);
      return;
    }
    case sio::PacketType::disconnect: s.connected.erase(p.nsp); return;
    case sio::PacketType::event:
    case sio::PacketType::binary_event: {
      inv_.check_that(s.accepted.count(p.nsp) > 0, [&] {
        return "the client emitted on " + p.nsp + " before the server accepted its CONNECT on session " + s.sid;
      });
      if (!p.id) return;
      if (faults_ && w_.chance(0.1)) {
        w_.note("server: will never answer ack " + p.nsp + "#" + std::to_string(*p.id));
        return;
      }
      const std::string ack = "43" + pre + std::to_string(*p.id) + "[\"ok\"]";
      queue(s, ack, Kind::ack);
      if (faults_ && w_.chance(0.05)) queue(s, ack, Kind::ack);  // answered twice: the client must ignore the second
      return;
    }
    case sio::PacketType::ack:
    case sio::PacketType::binary_ack: {
      const std::uint64_t id = p.id.value_or(~0ull);
      inv_.check_that(s.asked[p.nsp].count(id) > 0, [&] { return "the client answered an ack the server never asked"; });
      inv_.check_that(s.answered[p.nsp].insert(id).second, [&] {
        return "the client answered server ack " + p.nsp + "#" + std::to_string(id) + " twice";
      });
      return;
    }
    default: return;
  }
}

// ---- the server's moves

std::string SioServer::name_of(const HttpLink& link) const {
  return "server: http#" + std::to_string(link.id) + " " + link.request.method + " ";
}

std::string SioServer::name_of(const WsLink& link) const {
  auto it = links_.find(link.id);
  return "server: ws#" + std::to_string(link.id) + (it != links_.end() && it->second.probe ? " (probe) " : " ");
}

std::string SioServer::name_of(const Session& s) const { return "server: session " + s.sid + " "; }

void SioServer::offer(Menu& menu) {
  http_.each_held([&](HttpLink& link) {
    if (link.live()) offer_request(menu, link);
  });
  ws_.each_held([&](WsLink& link) {
    if (link.live()) offer_ws(menu, link);
  });
  for (auto& [sid, s] : sessions_)
    if (!s.gone) offer_session(menu, s);
}

void SioServer::offer_request(Menu& menu, HttpLink& link) {
  const RequestInfo info = requests_[link.id];
  HttpLink* l = &link;
  if (faults_) {
    menu.add(1, [this, l] {
      w_.step(name_of(*l) + "reset");
      l->end(errc::connection_reset, "reset");
    });
    menu.add(1, [this, l] {
      w_.step(name_of(*l) + "HTTP 500");
      l->reply(500, "Internal Server Error");
    });
  }
  if (info.kind == RequestKind::handshake) {
    menu.add(8, [this, l] {
      Session& s = create_session();
      w_.step(name_of(*l) + "handshake: session " + s.sid);
      l->reply(200, open_packet(s, true));
    });
    if (faults_)
      menu.add(1, [this, l] {
        w_.step(name_of(*l) + "handshake answered with garbage");
        l->reply(200, "garbage");
      });
    return;
  }
  Session* s = find(info.sid);
  if (!s || (info.kind == RequestKind::poll && s->websocket)) {
    menu.add(6, [this, l] {
      w_.step(name_of(*l) + "HTTP 400 (unknown session or transport)");
      l->reply(400, "{\"code\":1,\"message\":\"Session ID unknown\"}", kJson);
    });
    return;
  }
  if (info.kind == RequestKind::post) {
    menu.add(8, [this, l, s] {
      w_.step(name_of(*l) + (s->gone ? "HTTP 400 (session closed)" : "ok"));
      if (s->gone) l->reply(400, "{\"code\":1,\"message\":\"Session ID unknown\"}", kJson);
      else l->reply(200, "ok");
    });
    return;
  }
  if (s->gone) {  // the held GET of a closed session gets the close packet
    menu.add(6, [this, l] {
      w_.step(name_of(*l) + "answers a closed session's poll with `1`");
      l->reply(200, "1");
    });
    return;
  }
  if (!s->outbox.empty()) {
    menu.add(8, [this, l, s] { answer_poll(*l, *s, true); });
    if (faults_) menu.add(1, [this, l, s] { answer_poll(*l, *s, false); });
  }
  if (faults_)
    menu.add(1, [this, l, s] {
      w_.step(name_of(*l) + "the server closes session " + s->sid + " (`1`)");
      s->gone = true;
      l->reply(200, "1");
    });
}

void SioServer::answer_poll(HttpLink& link, Session& s, bool all) {
  std::string body;
  std::size_t n = all ? s.outbox.size() : 1;
  for (std::size_t i = 0; i < n; ++i) {
    if (!body.empty()) body += eio::kRecordSeparator;
    body += s.outbox.front().frame;
    s.outbox.pop_front();
  }
  std::string shown = body;
  std::replace(shown.begin(), shown.end(), eio::kRecordSeparator, '|');
  w_.step("server: http#" + std::to_string(link.id) + " poll answered: " + shown);
  link.reply(200, body);
}

void SioServer::offer_ws(Menu& menu, WsLink& link) {
  WsLink* l = &link;
  LinkInfo& info = links_[link.id];
  Session* s = find(info.sid);
  if (link.close_requested) {
    menu.add(6, [this, l] {
      w_.step(name_of(*l) + "completes the close handshake");
      l->end({.code = 1000, .was_clean = true});
    });
    if (faults_)
      menu.add(1, [this, l] {
        w_.step(name_of(*l) + "drops while closing");
        l->end({.code = 1006, .error = errc::connection_reset, .detail = "reset"});
      });
    return;
  }
  if (!link.opened) {
    if (info.probe && (!s || s->gone || s->websocket)) {
      menu.add(8, [this, l] {
        w_.step(name_of(*l) + "refuses the probe of an unknown session (HTTP 400)");
        l->end({.code = 1006, .error = errc::http_status, .detail = "HTTP 400"});
      });
    } else {
      menu.add(8, [this, l] {
        LinkInfo& li = links_[l->id];
        if (!li.probe) {
          Session& session = create_session();
          session.websocket = true;
          session.ws = l->id;
          li.sid = session.sid;
          li.outbox.push_back(open_packet(session, false));
        }
        w_.step(name_of(*l) + "accepts" + (li.probe ? "" : ": session " + li.sid));
        l->open();
      });
    }
    if (faults_) {
      menu.add(1, [this, l] {
        w_.step(name_of(*l) + "refused");
        l->end({.code = 1006, .error = errc::connect_refused, .detail = "refused"});
      });
      menu.add(1, [this, l] {
        w_.step(name_of(*l) + "upgrade answered with HTTP 502");
        l->end({.code = 1006, .error = errc::http_status, .detail = "HTTP 502"});
      });
    }
    return;
  }
  const bool carrier = s && s->websocket && s->ws == link.id;
  if (!info.outbox.empty()) {
    menu.add(8, [this, l, s] { deliver_ws(*l, s, false); });
  } else if (carrier && !s->outbox.empty()) {
    menu.add(6, [this, l, s] { deliver_ws(*l, s, false); });
    menu.add(3, [this, l, s] { deliver_ws(*l, s, true); });
  }
  if (carrier && s->gone)
    menu.add(6, [this, l] {
      w_.step(name_of(*l) + "closes the WebSocket of a closed session");
      l->end({.code = 1000, .was_clean = true});
    });
  if (!faults_) return;
  menu.add(1, [this, l] {
    w_.step(name_of(*l) + "drops the connection");
    l->end({.code = 1006, .error = errc::connection_reset, .detail = "reset"});
  });
  menu.add(1, [this, l] {
    w_.step(name_of(*l) + "closes cleanly");
    l->end({.code = 1000, .was_clean = true});
  });
  if (carrier)
    menu.add(1, [this, l, s] {
      w_.step(name_of(*l) + "the server closes session " + s->sid + " (`1`)");
      s->gone = true;
      l->text("1");
    });
}

void SioServer::deliver_ws(WsLink& link, Session* s, bool all) {
  LinkInfo& info = links_[link.id];
  if (!info.outbox.empty()) {
    const std::string frame = info.outbox.front();
    info.outbox.pop_front();
    w_.step("server: ws#" + std::to_string(link.id) + " sends " + frame);
    return link.text(frame);
  }
  w_.step("server: ws#" + std::to_string(link.id) + " sends " + (all ? "everything queued" : s->outbox.front().frame));
  std::size_t n = all ? s->outbox.size() : 1;
  const int id = link.id;
  for (std::size_t i = 0; i < n && !s->outbox.empty(); ++i) {
    const std::string frame = s->outbox.front().frame;
    s->outbox.pop_front();
    WsLink& l = *ws_.links[static_cast<std::size_t>(id - 1)];
    if (!l.live()) return;
    l.text(frame);
  }
}

void SioServer::offer_session(Menu& menu, Session& session) {
  Session* s = &session;
  if (!faults_) return;  // the drain: only answers, so the clock moves once everything is answered
  if (!session.connected.empty()) {
    menu.add(2, [this, s] {
      auto it = s->connected.begin();
      std::advance(it, static_cast<long>(w_.below(s->connected.size())));
      const std::string nsp = *it;
      const bool with_ack = w_.chance(0.4);
      const std::string n = std::to_string(++next_event_);
      if (with_ack) {
        const std::uint64_t id = s->next_ack++;
        s->asked[nsp].insert(id);
        queue(*s, "42" + nsp_prefix(nsp) + std::to_string(id) + "[\"ask\"," + n + "]", Kind::event);
      } else {
        queue(*s, "42" + nsp_prefix(nsp) + "[\"news\"," + n + "]", Kind::event);
      }
      w_.step(name_of(*s) + "emits " + (with_ack ? "ask" : "news") + " " + n + " on " + nsp);
    });
  }
  if (!session.connected.empty())
    menu.add(1, [this, s] {
      const std::string nsp = *s->connected.begin();
      s->connected.erase(nsp);
      queue(*s, "41" + nsp_prefix(nsp), Kind::control);
      w_.step(name_of(*s) + "disconnects " + nsp + " (io server disconnect)");
    });
  if (!session.silent)
    menu.add(1, [this, s] {
      s->silent = true;
      w_.step(name_of(*s) + "goes silent (no more pings)");
      w_.count("silent sessions");
    });
  // Acks and events may arrive in any order among themselves (handlers answer when they finish).
  std::size_t run = 0;
  while (run < session.outbox.size() && (session.outbox[run].kind == Kind::ack || session.outbox[run].kind == Kind::event))
    ++run;
  if (run >= 2)
    menu.add(1, [this, s, run] {
      const std::size_t a = w_.below(run), b = w_.below(run);
      std::swap(s->outbox[a], s->outbox[b]);
      w_.step(name_of(*s) + "reorders its pending acks/events");
      w_.count("reorders");
    });
  if (!session.outbox.empty() && (session.outbox.front().kind == Kind::ack || session.outbox.front().kind == Kind::ping))
    menu.add(1, [this, s] {
      s->outbox.push_front(s->outbox.front());
      w_.step(name_of(*s) + "duplicates " + s->outbox.front().frame);
      w_.count("duplicates");
    });
}

void SioServer::tick() {
  const TimePoint now = w_.loop.now();
  const Duration interval(settings_.ping_interval_ms), timeout(settings_.ping_timeout_ms);
  for (auto& [sid, s] : sessions_) {
    if (s.gone) continue;
    if (s.awaiting_pong && now - s.last_ping > interval + timeout) {
      s.gone = true;  // engine.io: "ping timeout" on the server's side
      w_.note("server: session " + sid + " timed out (no pong)");
      continue;
    }
    if (!s.silent && now - s.last_ping >= interval) {
      queue(s, "2", Kind::ping);
      s.last_ping = now;
      s.awaiting_pong = true;
    }
  }
}

Duration SioServer::next_ping_in(Duration cap) const {
  const TimePoint now = w_.loop.now();
  Duration next = cap;
  for (const auto& [sid, s] : sessions_) {
    if (s.gone || s.silent) continue;
    const auto due = std::chrono::duration_cast<Duration>(s.last_ping + Duration(settings_.ping_interval_ms) - now);
    next = std::clamp(due, Duration(1), next);
  }
  return next;
}

// ---- invariants about what is open

void SioServer::check() {
  // Few requests are in flight at once: plain counts per session, no containers.
  int handshakes = 0;
  http_.each_held([&](HttpLink& l) {
    if (!l.live()) return;
    const RequestInfo& r = requests_[l.id];
    if (r.kind == RequestKind::handshake) return void(++handshakes);
    int same = 0;
    http_.each_held([&](HttpLink& o) {
      if (o.live() && requests_[o.id].kind == r.kind && requests_[o.id].sid == r.sid) ++same;
    });
    inv_.check_that(same <= 1, [&] {
      return std::string("more than one ") + (r.kind == RequestKind::poll ? "GET" : "POST") + " in flight for session " + r.sid;
    });
  });
  int direct = 0;
  ws_.each_held([&](WsLink& l) {
    if (!l.active()) return;
    const LinkInfo& info = links_[l.id];
    if (!info.probe) return void(++direct);
    int same = 0;
    ws_.each_held([&](WsLink& o) { same += o.active() && links_[o.id].probe && links_[o.id].sid == info.sid ? 1 : 0; });
    inv_.check_that(same <= 1, [&] { return "more than one upgrade WebSocket open for session " + info.sid; });
  });
  inv_.check(handshakes + direct <= 1, "more than one session being opened or open (handshake GET, direct WebSocket)");
}

}  // namespace twinsock::sim
