// `twinsock io URL`: a Socket.IO client on the command line. Each stdin line is a
// JSON array ["event", arg...] to emit (`ack [...]` asks for an acknowledgement);
// received events are printed. Binary values are {"$binary":"<hex>"} both ways.
#include <cstdio>
#include <deque>
#include <memory>
#include <optional>

#include "codec/url/url.hpp"
#include "commands.hpp"
#include "hopeless.hpp"
#include "interrupts.hpp"
#include "options.hpp"
#include "sio_options.hpp"
#include "output.hpp"
#include "stdin_lines.hpp"
#include "twinsock/error.hpp"
#include "twinsock/native/poll_loop.hpp"
#include "twinsock/sio/manager.hpp"

namespace twinsock::cli {
namespace {

constexpr const char* kUsage =
    "usage: twinsock io URL [options]\n"
    "\n"
    "Connects to a Socket.IO server (http://, https://, ws:// or wss://; host:port means\n"
    "http://). The URL's path is the namespace, as in socket.io-client (http://host:3000/chat\n"
    "joins /chat).\n"
    "Each stdin line is a JSON array [\"event\", arg...] and is emitted; a line\n"
    "`ack [\"event\", arg...]` is emitted with an acknowledgement and its reply printed,\n"
    "numbered as the ack lines are (the first is 1), for replies that come out of order.\n"
    "Events that ask us for an acknowledgement are answered only with --reply.\n"
    "Binary values are written and printed as {\"$binary\":\"<hex>\"}.\n"
    "\n"
    "options:\n"
    "  --path P                   Engine.IO path (default /socket.io/)\n"
    "  --auth JSON                auth payload sent in CONNECT (an object)\n"
    "  --query k=v                extra query parameter (repeatable)\n"
    "  --transports LIST          e.g. websocket or polling,websocket (default polling,websocket)\n"
    "  --parser json|msgpack      packet format (the server must use the same)\n"
    "  --ack-timeout MS           fail acks after MS milliseconds\n"
    "  --retries N                at-least-once delivery: resend every emit until acked, N times\n"
    "  --reply JSON               answer every event that asks for an ack with these arguments\n"
    "                             (a JSON array, e.g. '[\"ok\"]'; another value is one argument)\n"
    "  -H, --header \"Name: value\"  extra header on every request (repeatable)\n"
    "  --origin URL               Origin header, as a page from URL sends (wscat -o)\n"
    "  --json                     one JSON object per event on stdout\n"
    "  --count N                  exit after N received events (not at the end of stdin)\n"
    "  --timeout SEC              exit after SEC seconds (not at the end of stdin)\n"
    "  --no-reconnect             exit when the connection ends\n"
    "  --reconnect-attempts N     give up (exit 1) after N failed reconnections in a row\n"
    "                             (any connection that opens starts the count again)\n"
    "  --reconnect-delay MS       first reconnection delay (default 1000, growing to 5000)\n"
    "  --insecure, -k  --ca FILE  --cert FILE --key FILE  --proxy URL  --max-message BYTES\n"
    "  -v, --verbose              protocol trace on stderr\n"
    "  -h, --help                 this help\n"
    "\n"
    "A first connection refused for good (HTTP 4xx, an untrusted certificate) is not retried.\n"
    "\n"
    "exit codes: 0 stdin ended, --count or --timeout reached, or the server disconnected us;\n"
    "            1 the connection failed and no reconnection is left, or a stdin line was not\n"
    "              emitted (or its ack failed); 2 usage error\n";

// {"$binary":"<hex>"} <-> json::binary_t, recursively.
bool decode_binary_markers(nlohmann::json& value) {
  if (value.is_object()) {
    if (value.size() == 1 && value.contains("$binary") && value["$binary"].is_string()) {
      std::string raw;
      if (!from_hex(value["$binary"].get<std::string>(), raw)) return false;
      value = nlohmann::json::binary(std::vector<std::uint8_t>(raw.begin(), raw.end()));
      return true;
    }
    for (auto& item : value.items())
      if (!decode_binary_markers(item.value())) return false;
  } else if (value.is_array()) {
    for (auto& item : value)
      if (!decode_binary_markers(item)) return false;
  }
  return true;
}

nlohmann::ordered_json to_printable(const nlohmann::json& value) {
  if (value.is_binary()) {
    const auto& b = value.get_binary();
    return {{"$binary", to_hex(std::string_view(reinterpret_cast<const char*>(b.data()), b.size()))}};
  }
  if (value.is_array()) {
    nlohmann::ordered_json out = nlohmann::ordered_json::array();
    for (const auto& item : value) out.push_back(to_printable(item));
    return out;
  }
  if (value.is_object()) {
    nlohmann::ordered_json out = nlohmann::ordered_json::object();
    for (const auto& item : value.items()) out[item.key()] = to_printable(item.value());
    return out;
  }
  return nlohmann::ordered_json::parse(value.dump());
}

}  // namespace

int run_io(int argc, char** argv) {
  CommonOptions common;
  sio::ManagerOptions mo;
  std::optional<long> ack_timeout;
  std::optional<sio::Args> reply_args;
  const auto own = [&](ArgReader& args, const std::string& arg, std::string& error) {
    std::string v;
    if (parse_manager_option(args, arg, mo, error)) {
      // --path, --auth, --query, --transports, --parser
    } else if (is_option(arg, "--ack-timeout")) {
      long ms = 0;
      if (args.value(arg, "--ack-timeout", v, error) && !parse_count(v, ms)) error = "--ack-timeout needs milliseconds";
      ack_timeout = ms;
    } else if (is_option(arg, "--retries")) {
      long n = 0;
      if (args.value(arg, "--retries", v, error) && !parse_count(v, n)) error = "--retries needs a whole number";
      mo.socket.retries = static_cast<std::uint32_t>(n);
    } else if (is_option(arg, "--reply")) {
      if (!args.value(arg, "--reply", v, error)) return true;
      nlohmann::json value = nlohmann::json::parse(v, nullptr, false);
      if (value.is_discarded() || !decode_binary_markers(value)) {
        error = "--reply needs JSON (binary as {\"$binary\":\"<hex>\"})";
        return true;
      }
      reply_args = value.is_array() ? std::move(value) : sio::Args::array({std::move(value)});
    } else {
      return false;
    }
    return true;
  };
  if (auto code = parse_command_line(argc, argv, "io", kUsage, {"http", "https", "ws", "wss"},
                                     "a Socket.IO URL starts with http://, https://, ws:// or wss://", common, own))
    return *code;
  if (ack_timeout) mo.socket.ack_timeout = Duration(*ack_timeout);
  if (mo.socket.retries > 0 && mo.socket.ack_timeout.count() == 0) mo.socket.ack_timeout = Duration(5000);
  mo.reconnection = !common.no_reconnect;
  apply_common_options(common, mo);

  native::PollLoop loop;
  Output out(common.json);
  if (common.verbose) mo.engine.trace = [&out](std::string_view line) { out.trace(line); };
  mo.auto_connect = false;
  sio::Manager manager(loop, common.url, mo);
  sio::Socket& socket = manager.socket();

  int exit_code = exit_ok;
  bool done = false;
  bool stdin_ended = false;
  long received = 0;
  Timer deadline(loop);
  Timer drain_timer(loop);
  std::vector<Subscription> subs;
  Timer poll_timer(loop);
  TimePoint give_up{};
  // Stops the loop once the closing connection has said goodbye (bounded).
  std::function<void()> stop_when_drained = [&] {
    if (!manager.draining() || loop.now() >= give_up) return loop.stop();
    poll_timer.start(Duration(20), stop_when_drained);
  };
  auto finish = [&](int code) {
    if (done) return;
    done = true;
    exit_code = code;
    if (socket.connected()) socket.disconnect();
    manager.close();
    give_up = loop.now() + Duration(3000);
    loop.post(stop_when_drained);
  };
  // Emits read from stdin that the socket could not take yet (flow control, below).
  struct PendingEmit {
    std::string event;
    sio::Args args;
    long ack_number = 0;  // the how-manieth ack line; 0: no ack asked
  };
  std::deque<PendingEmit> pending;
  long ack_lines = 0;
  // After stdin ends: leave once nothing is owed (acks, buffered or queued emits), within a bound.
  // Then a moment more before the goodbye: a Socket.IO server drops the events it reads in
  // the same chunk as a DISCONNECT (socket.io 4 dispatches events a tick later, and ignores
  // them once the socket is gone), so the last emits must reach it first.
  std::optional<TimePoint> linger_until;
  std::function<void()> exit_when_settled = [&] {
    if (loop.now() >= give_up) return finish(exit_ok);
    const bool settled = socket.pending() == 0 && pending.empty();
    if (!settled) {
      linger_until.reset();
    } else {
      if (!linger_until) linger_until = loop.now() + Duration(250);
      if (loop.now() >= *linger_until) return finish(exit_ok);
    }
    drain_timer.start(Duration(20), exit_when_settled);
  };
  auto drain_then_exit = [&] {
    give_up = loop.now() + (mo.socket.retries > 0 ? Duration(30'000) : Duration(10'000));
    exit_when_settled();
  };

  // A failed WebSocket upgrade leaves the session on long-polling: slower, and otherwise
  // silent without -v (each connection has its own engine, hence the resubscription).
  Subscription upgrade_error_sub;
  subs.push_back(manager.on_open.on([&] {
    eio::Socket* engine = manager.engine();
    if (!engine) return;
    upgrade_error_sub = engine->on_upgrade_error.on([&](std::error_code ec, const std::string& detail) {
      out.status("note: the WebSocket upgrade failed (" + (detail.empty() ? ec.message() : detail) +
                 "); staying on HTTP long-polling");
    });
  }));
  bool ever_connected = false;
  subs.push_back(socket.on_connect.on([&] {
    ever_connected = true;
    if (out.json())
      out.event({{"type", "connect"}, {"id", socket.id()}, {"recovered", socket.recovered()}});
    else
      out.status("connected to " + socket.nsp() + " as " + socket.id() + (socket.recovered() ? " (recovered)" : ""));
    // After the line: with nothing pending this ends the session, which clears the id.
    if (stdin_ended && !drain_timer.armed()) drain_then_exit();
  }));
  subs.push_back(socket.on_any([&](const std::string& event, const sio::Args& a) {
    if (done) return;
    if (out.json())
      out.event({{"type", "event"}, {"event", event}, {"args", to_printable(a)}});
    else
      out.data(event + " " + to_printable(a).dump());
    if (common.count && ++received >= *common.count) finish(exit_ok);
  }));
  if (reply_args)
    subs.push_back(socket.on_event([&](const std::string&, const sio::Args&, const sio::Reply& reply) {
      if (reply.requested()) reply(*reply_args);
    }));
  subs.push_back(socket.on_disconnect.on([&](const std::string& reason) {
    if (done) return;
    const sio::CloseCause& cause = manager.close_cause();  // why a lost connection was lost
    if (out.json()) {
      nlohmann::ordered_json e = {{"type", "disconnect"}, {"reason", reason}};
      if (cause.code) {
        e["code"] = std::string(error_id(cause.code));
        e["detail"] = cause.detail;
      }
      out.event(e);
    } else {
      std::string why;
      if (cause.code) why = " (" + (cause.detail.empty() ? cause.code.message() : cause.detail) + ")";
      out.status("disconnected: " + reason + why);
    }
    if (reason == "io server disconnect") finish(exit_ok);
    else if (!mo.reconnection) finish(stdin_ended ? exit_ok : exit_failed);  // nothing will reconnect it
  }));
  subs.push_back(socket.on_connect_error.on([&](const sio::ConnectError& e) {
    if (done) return;
    if (out.json()) {
      nlohmann::ordered_json line = {{"type", "connect_error"}, {"code", error_id(e.code ? e.code : make_error_code(errc::sio_connect_refused))},
                                     {"message", e.message}, {"data", to_printable(e.data)}};
      if (!e.detail.empty()) line["detail"] = e.detail;  // why the connection failed
      out.event(line);
    } else
      out.error(e.code, e.detail.empty() ? e.message : e.message + ": " + e.detail);
    // No more attempts for this socket; nor when stdin has ended and nothing was ever
    // connected to send it to (as `twinsock ws` does).
    if (!ever_connected && retrying_cannot_fix(e.code, e.detail)) {
      out.status(giving_up_message(e.code));
      return finish(exit_failed);
    }
    if (e.code == errc::sio_connect_refused || !mo.reconnection || (stdin_ended && !ever_connected))
      finish(exit_failed);
  }));
  subs.push_back(manager.on_reconnect_attempt.on([&](std::uint32_t attempt) {
    if (done) return;
    if (out.json())
      out.event({{"type", "reconnect_attempt"}, {"attempt", attempt}});
    else
      out.status("reconnecting (attempt " + std::to_string(attempt) + ")");
  }));
  subs.push_back(manager.on_reconnect_failed.on([&] { finish(exit_failed); }));
  bool line_lost = false;  // a stdin line not emitted, or its ack failed: the run cannot end with 0
  auto print_ack = [&](long number, std::error_code ec, const sio::Args& a) {
    if (ec) line_lost = true;
    if (out.json()) {
      if (ec)
        out.event({{"type", "ack"}, {"id", number}, {"error", ec == errc::ack_timeout ? "timeout" : std::string(error_id(ec))}});
      else
        out.event({{"type", "ack"}, {"id", number}, {"args", to_printable(a)}});
    } else {
      const std::string label = "ack " + std::to_string(number);
      out.data(ec ? label + " error: " + ec.message() : label + " " + to_printable(a).dump());
    }
  };

  if (common.timeout) deadline.start(Duration(static_cast<long>(*common.timeout * 1000)), [&] { finish(exit_ok); });
  // Flow control: an emit the socket cannot take yet (its send buffer full while it
  // connects or reconnects) waits, with the reader paused, and is tried again: nothing
  // piped in is dropped. Lines are parsed as they come; bad ones are reported at once.
  std::unique_ptr<StdinLines> input;
  Timer retry_timer(loop);
  auto try_emit = [&](PendingEmit& e) {  // false: not taken, to try again
    std::error_code ec =
        e.ack_number ? socket.emit(e.event, e.args,
                                   [&print_ack, n = e.ack_number](std::error_code error, const sio::Args& a) {
                                     print_ack(n, error, a);
                                   })
                     : socket.emit(e.event, e.args);
    if (ec == errc::queue_full || ec == errc::not_connected || ec == errc::invalid_state) return false;
    if (ec) {
      out.error(ec, "event not emitted");
      line_lost = true;
    }
    return true;
  };
  std::function<void()> drain_pending = [&] {
    while (!pending.empty() && try_emit(pending.front())) pending.pop_front();
    if (!pending.empty()) return retry_timer.start(Duration(50), drain_pending);
    input->resume();
    if (stdin_ended && socket.connected() && !drain_timer.armed()) drain_then_exit();
  };
  subs.push_back(socket.on_connect.on([&] {
    if (!pending.empty()) drain_pending();
  }));
  input = std::make_unique<StdinLines>(
      loop,
      [&](std::string line) {
        if (done) return;
        bool with_ack = false;
        if (line.rfind("ack ", 0) == 0) {
          with_ack = true;
          line = line.substr(4);
        }
        if (line.find_first_not_of(" \t") == std::string::npos) return;
        nlohmann::json value = nlohmann::json::parse(line, nullptr, false);
        const char* problem = value.is_discarded() ? "stdin line is not JSON"
                              : !value.is_array() || value.empty() || !value[0].is_string()
                                  ? "stdin line must be a JSON array [\"event\", arg...]"
                              : !decode_binary_markers(value) ? "a {\"$binary\":\"<hex>\"} value holds no valid hex"
                                                              : nullptr;
        if (problem) {
          out.error(errc::invalid_argument, problem + (": " + line));
          line_lost = true;
          return;
        }
        PendingEmit e{.event = value[0].get<std::string>(), .args = std::move(value),
                      .ack_number = with_ack ? ++ack_lines : 0};
        e.args.erase(e.args.begin());
        if (pending.empty() && try_emit(e)) return;
        pending.push_back(std::move(e));
        input->pause();
        if (!retry_timer.armed()) retry_timer.start(Duration(50), drain_pending);
      },
      [&] {
        // With --count or --timeout those end the session (events still arrive after
        // stdin's last line); else leave once queued emits are out and acks are back.
        if (common.count || common.timeout) return;
        stdin_ended = true;
        // Within a bound; not connected yet: wait for the connection first (the
        // Manager's timeout bounds it). Lines still waiting go first.
        if (socket.connected() && pending.empty()) drain_then_exit();
      });
  // Ctrl-C: the namespace disconnects and the connection closes cleanly, then the shell's code.
  InterruptWatch interrupts(loop, [&](int signo) { finish(exit_code_for_signal(signo)); });
  socket.connect();
  loop.run();
  return exit_code == exit_ok && (line_lost || !pending.empty()) ? exit_failed : exit_code;
}

}  // namespace twinsock::cli
