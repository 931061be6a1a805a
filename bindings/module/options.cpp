#include "options.hpp"

#include <cmath>
#include <limits>

#include "codec/json/writer.hpp"

namespace twinsock::bindings {
namespace {

using nlohmann::json;

// A number or boolean as JavaScript's String() writes it (query values).
std::string json_text(const json& value) {
  std::string text;
  write_json(value, text);
  return text;
}

const json* field(const json& o, const char* name) {
  if (!o.is_object()) return nullptr;
  auto it = o.find(name);
  return it == o.end() || it->is_null() ? nullptr : &*it;
}

void read(const json& o, const char* name, bool& out) {
  if (const json* v = field(o, name); v && v->is_boolean()) out = v->get<bool>();
}
void read(const json& o, const char* name, double& out) {
  if (const json* v = field(o, name); v && v->is_number()) out = v->get<double>();
}
void read(const json& o, const char* name, std::string& out) {
  if (const json* v = field(o, name); v && v->is_string()) out = v->get<std::string>();
}
void read(const json& o, const char* name, Duration& out) {
  if (const json* v = field(o, name); v && v->is_number() && v->get<double>() >= 0)
    out = duration_from_ms(v->get<double>());
}
template <typename Int>
void read_count(const json& o, const char* name, Int& out) {
  const json* v = field(o, name);
  if (!v || !v->is_number()) return;
  const double d = v->get<double>();
  if (d < 0) return;
  out = !std::isfinite(d) || d >= static_cast<double>(std::numeric_limits<Int>::max()) ? std::numeric_limits<Int>::max()
                                                                                       : static_cast<Int>(d);
}
void read(const json& o, const char* name, std::vector<std::string>& out) {
  const json* v = field(o, name);
  if (!v) return;
  if (v->is_string()) out = {v->get<std::string>()};
  if (!v->is_array()) return;
  out.clear();
  for (const auto& item : *v)
    if (item.is_string()) out.push_back(item.get<std::string>());
}
void read(const json& o, const char* name, Headers& out) {
  const json* v = field(o, name);
  if (!v || !v->is_object()) return;
  for (auto it = v->begin(); it != v->end(); ++it)
    if (it->is_string()) out.push_back({it.key(), it->get<std::string>()});
}

ReconnectPolicy reconnect_policy(const json& o, ReconnectPolicy p) {
  read(o, "reconnect", p.enabled);
  read(o, "minReconnectionDelay", p.min_delay);
  read(o, "maxReconnectionDelay", p.max_delay);
  read(o, "reconnectionDelayGrowFactor", p.grow_factor);
  read(o, "jitter", p.jitter);
  read_count(o, "maxRetries", p.max_retries);
  read(o, "minUptime", p.min_uptime);
  return p;
}

}  // namespace

Duration duration_from_ms(double ms) { return Duration(static_cast<Duration::rep>(std::min(ms, 1e12))); }

bool option_flag(const json& o, const char* name) {
  bool value = false;
  read(o, name, value);
  return value;
}

void read_reconnection_options(const json& o, sio::ManagerOptions& m) {
  read(o, "reconnection", m.reconnection);
  read_count(o, "reconnectionAttempts", m.reconnection_attempts);
  read(o, "reconnectionDelay", m.reconnection_delay);
  read(o, "reconnectionDelayMax", m.reconnection_delay_max);
  read(o, "randomizationFactor", m.randomization_factor);
  read(o, "timeout", m.timeout);
}

double reconnection_option(const sio::ManagerOptions& m, int index) {
  switch (index) {
    case 0: return m.reconnection ? 1 : 0;
    case 1:
      return m.reconnection_attempts == std::numeric_limits<std::uint32_t>::max() ? HUGE_VAL
                                                                                  : m.reconnection_attempts;
    case 2: return static_cast<double>(m.reconnection_delay.count());
    case 3: return static_cast<double>(m.reconnection_delay_max.count());
    case 4: return m.randomization_factor;
    case 5: return static_cast<double>(m.timeout.count());
    default: return 0;
  }
}

sio::ManagerOptions manager_options(const json& o) {
  sio::ManagerOptions m;
  read_reconnection_options(o, m);
  read(o, "autoConnect", m.auto_connect);
  if (const json* p = field(o, "parser"); p && p->is_string() && p->get<std::string>() == "msgpack")
    m.parser = sio::ParserKind::msgpack;
  read_count(o, "maxPacketBytes", m.max_packet_bytes);
  read_count(o, "maxAttachments", m.max_attachments);
  read_count(o, "maxJsonDepth", m.max_json_depth);
  read_engine_options(o, m.engine);
  return m;
}

void read_engine_options(const json& o, eio::SocketOptions& e) {
  read(o, "transports", e.transports);
  read(o, "upgrade", e.upgrade);
  read(o, "rememberUpgrade", e.remember_upgrade);
  read(o, "tryAllTransports", e.try_all_transports);
  read(o, "path", e.path);
  read(o, "addTrailingSlash", e.add_trailing_slash);
  read(o, "timestampRequests", e.timestamp_requests);
  read(o, "timestampParam", e.timestamp_param);
  read(o, "withCredentials", e.with_credentials);
  read(o, "requestTimeout", e.request_timeout);
  read_count(o, "maxMessageSize", e.max_message_size);
  read_count(o, "maxPayloadPackets", e.max_payload_packets);
  if (field(o, "extraHeaders")) e.extra_headers.clear();
  read(o, "extraHeaders", e.extra_headers);
  if (const json* q = field(o, "query"); q && q->is_object()) {
    e.query.clear();
    for (auto it = q->begin(); it != q->end(); ++it) {
      if (it->is_string()) e.query.emplace_back(it.key(), it->get<std::string>());
      else if (it->is_number() || it->is_boolean()) e.query.emplace_back(it.key(), json_text(*it));
    }
  }
}

sio::SocketOptions socket_options(const json& o) {
  sio::SocketOptions s;
  if (const json* auth = field(o, "auth"); auth && auth->is_object()) s.auth = *auth;
  read(o, "ackTimeout", s.ack_timeout);
  read_count(o, "retries", s.retries);
  read_count(o, "maxBufferedPackets", s.max_buffered_packets);
  read_count(o, "maxBufferedBytes", s.max_buffered_bytes);
  return s;
}

ws::ClientOptions ws_options(const json& o) {
  ws::ClientOptions w;
  w.reconnect = reconnect_policy(o, w.reconnect);
  read(o, "connectionTimeout", w.connection_timeout);
  read(o, "protocols", w.subprotocols);
  read(o, "headers", w.headers);
  read_count(o, "maxMessageSize", w.max_message_size);
  read_count(o, "maxEnqueuedMessages", w.max_queued_messages);
  read_count(o, "maxEnqueuedBytes", w.max_queued_bytes);
  read(o, "closeTimeout", w.close_timeout);
  read(o, "startClosed", w.start_closed);
  if (const json* p = field(o, "queueFullPolicy"); p && p->is_string() && p->get<std::string>() == "drop-oldest")
    w.queue_full_policy = ws::QueueFullPolicy::drop_oldest;
  return w;
}

sse::ClientOptions sse_options(const json& o) {
  sse::ClientOptions s;
  s.reconnect = reconnect_policy(o, s.reconnect);
  read(o, "method", s.method);
  read(o, "body", s.body);
  read(o, "headers", s.headers);
  read(o, "lastEventId", s.last_event_id);
  read(o, "connectionTimeout", s.connection_timeout);
  read(o, "idleTimeout", s.idle_timeout);
  read(o, "withCredentials", s.with_credentials);
  read(o, "startClosed", s.start_closed);
  read_count(o, "maxEventSize", s.max_event_size);
  read_count(o, "maxLineLength", s.max_line_length);
  return s;
}

}  // namespace twinsock::bindings
