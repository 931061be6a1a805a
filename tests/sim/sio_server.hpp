// A scripted Engine.IO v4 + Socket.IO v5 server for the simulation, over the
// fake transports of sim_transports.hpp: polling (handshake, held GETs, POSTs)
// and WebSocket (direct sessions and upgrade probes), pings, namespaces, acks
// and server emits. It reads whatever the client wrote at once; everything it
// sends back waits in a queue until the schedule picks the move that delivers
// it, so delays, reorderings and losses are all just choices of the PRNG.
//
// With faults on, its moves also include refusals, resets, HTTP errors, closes
// at any point (before or after the handshake, mid-upgrade), silent sessions
// (no pings: the client's heartbeat times out), CONNECT_ERROR, unanswered
// CONNECTs and acks, reordered acks/events and duplicated acks/pings.
//
// What the client sends is checked as it arrives: every packet decodes, POSTs
// keep within maxPayload, nothing goes over polling once upgraded, no event
// before its namespace's CONNECT was accepted, no ack answered twice.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <set>
#include <string>

#include "codec/eio/packet.hpp"
#include "codec/sio/decoder.hpp"
#include "sim_transports.hpp"
#include "sim_world.hpp"

namespace twinsock::sim {

/// The handshake one schedule's server announces.
struct ServerSettings {
  int ping_interval_ms = 25000;
  int ping_timeout_ms = 20000;
  std::size_t max_payload = 1000000;
  bool offer_upgrade = true;
};

class SioServer {
 public:
  SioServer(World& world, WsNet& ws, HttpNet& http, ServerSettings settings)
      : w_(world), inv_(world.inv), ws_(ws), http_(http), settings_(settings) {}

  /// Off: the server behaves (answers everything, pings on time, accepts every CONNECT).
  void set_faults(bool on);
  /// Reads everything the client wrote since the last call; replies are queued.
  void read();
  /// The server's possible moves now.
  void offer(Menu& menu);
  /// The server's timers: a ping every pingInterval; a ping unanswered for
  /// pingInterval + pingTimeout ends the session.
  void tick();
  /// How long until tick() has a ping to send (at most `cap`).
  Duration next_ping_in(Duration cap) const;
  /// Per session: one GET, one POST and one upgrade probe at a time; one session
  /// being opened (handshake GET or direct WebSocket) at a time.
  void check();
  /// The session a WebSocket belongs to ("" until the server bound one).
  std::string sid_of(const WsLink& link) const;

 private:
  enum class Kind { control, ping, connect, event, ack };
  struct Out {
    std::string frame;  // an Engine.IO text packet
    Kind kind;
  };
  struct Session {
    std::string sid;
    bool websocket = false;  // over a WebSocket (from the start, or upgraded)
    int ws = 0;              // that WebSocket's link id
    bool gone = false;       // closed on the server
    bool silent = false;     // a fault: no more pings
    bool awaiting_pong = false;
    TimePoint last_ping{};
    std::deque<Out> outbox;
    std::set<std::string> connected;  // namespaces connected now
    std::set<std::string> accepted;   // namespaces ever accepted on this session
    std::map<std::string, std::set<std::uint64_t>> asked, answered;  // server emits with an ack
    std::uint64_t next_ack = 0;
    sio::Decoder decoder;
  };
  struct LinkInfo {
    std::string sid;
    bool probe = false;              // opened with a sid: an upgrade probe
    std::deque<std::string> outbox;  // `3probe`, or the open packet of a direct session
  };
  enum class RequestKind { handshake, poll, post };
  struct RequestInfo {
    RequestKind kind = RequestKind::handshake;
    std::string sid;
  };

  Session* find(const std::string& sid);
  Session& create_session();
  std::string open_packet(const Session& s, bool polling) const;
  void queue(Session& s, std::string frame, Kind kind) { s.outbox.push_back({std::move(frame), kind}); }

  void read_ws(WsLink& link);
  void read_request(HttpLink& link);
  void on_packet(Session* s, eio::Packet& packet, const std::string& where);
  void on_sio(Session& s, sio::Packet& packet);

  std::string name_of(const HttpLink& link) const;
  std::string name_of(const WsLink& link) const;
  std::string name_of(const Session& s) const;
  void offer_request(Menu& menu, HttpLink& link);
  void offer_ws(Menu& menu, WsLink& link);
  void offer_session(Menu& menu, Session& s);
  void answer_poll(HttpLink& link, Session& s, bool all);
  void deliver_ws(WsLink& link, Session* s, bool all);

  World& w_;
  Invariants& inv_;
  WsNet& ws_;
  HttpNet& http_;
  ServerSettings settings_;
  bool faults_ = true;
  std::map<std::string, Session> sessions_;
  std::map<int, LinkInfo> links_;
  std::map<int, RequestInfo> requests_;
  std::size_t ws_read_from_ = 0;    // links before these are dropped and read through
  std::size_t http_read_from_ = 0;
  int next_sid_ = 0;
  int next_socket_ = 0;
  int next_event_ = 0;
};

}  // namespace twinsock::sim
