// `twinsock ws URL`: each stdin line is sent as one message; received messages
// go to stdout. Reconnects (with backoff) unless --no-reconnect.
#include <cstdio>
#include <deque>
#include <memory>

#include "codec/url/url.hpp"
#include "commands.hpp"
#include "hopeless.hpp"
#include "interrupts.hpp"
#include "options.hpp"
#include "output.hpp"
#include "stdin_lines.hpp"
#include "twinsock/error.hpp"
#include "twinsock/native/poll_loop.hpp"
#include "twinsock/ws/client.hpp"

namespace twinsock::cli {
namespace {

constexpr const char* kUsage =
    "usage: twinsock ws URL [options]\n"
    "\n"
    "Connects to a WebSocket server (ws:// or wss://; http:// and https:// mean the same,\n"
    "as in browsers; host:port means ws://). Each line of stdin is sent as one text\n"
    "message; received messages are printed to stdout, one per line (binary ones as hex).\n"
    "Status goes to stderr. Reconnects with exponential backoff unless --no-reconnect.\n"
    "\n"
    "options:\n"
    "  -H, --header \"Name: value\"  extra handshake header (repeatable)\n"
    "  --origin URL               Origin header, as a page from URL sends (wscat -o)\n"
    "  --subprotocol P            offer a subprotocol (repeatable)\n"
    "  --binary                   stdin lines are hex and sent as binary messages\n"
    "  --ping-interval SEC        send a ping every SEC seconds; no pong in 10 s = dead\n"
    "  --deflate                  offer permessage-deflate compression\n"
    "  --json                     one JSON object per event on stdout\n"
    "  --count N                  exit after N received messages (not at the end of stdin)\n"
    "  --timeout SEC              exit after SEC seconds (not at the end of stdin)\n"
    "  --no-reconnect             exit when the connection ends\n"
    "  --reconnect-attempts N     give up (exit 1) after N failed reconnections in a row\n"
    "                             (a connection up 5 s starts the count again)\n"
    "  --reconnect-delay MS       first reconnection delay (default 1000, growing to 10000)\n"
    "  --max-message BYTES        largest message accepted (default 64 MiB)\n"
    "  --insecure, -k             do not verify the server's TLS certificate\n"
    "  --ca FILE                  trust the CA certificates in FILE (PEM)\n"
    "  --cert FILE, --key FILE    client certificate and key (PEM)\n"
    "  --proxy URL                HTTP proxy (default: HTTPS_PROXY / HTTP_PROXY, NO_PROXY)\n"
    "  -v, --verbose              protocol trace on stderr\n"
    "  -h, --help                 this help\n"
    "\n"
    "A first connection refused for good (HTTP 4xx, an untrusted certificate) is not retried.\n"
    "\n"
    "exit codes: 0 stdin ended, --count or --timeout reached, or the server closed with 1000;\n"
    "            1 the connection failed or closed otherwise and no reconnection is left,\n"
    "              or a stdin line could not be sent;\n"
    "            2 usage error\n";

struct Session {
  native::PollLoop loop;
  Output out;
  CommonOptions common;
  WsOptions ws;
  std::unique_ptr<ws::Client> client;
  long received = 0;
  bool finishing = false;      // the tool itself decided to end (stdin EOF, --count, --timeout)
  bool count_reached = false;  // --count N printed N messages: print nothing more
  bool close_when_open = false;
  bool ever_opened = false;
  std::error_code hopeless;  // the first connection failed in a way retrying cannot fix
  bool line_lost = false;    // a stdin line was not sent: the run cannot end with 0
  int exit_code = exit_ok;
  Timer deadline{loop};
  Timer hard_stop{loop};
  std::vector<Subscription> subs;

  explicit Session(bool json) : out(json) {}

  void finish() {
    finishing = true;
    if (client->ready_state() == ws::ReadyState::open) return close_now();
    // Not connected yet: deliver what stdin queued, then close. The attempt in
    // progress is bounded by the connection timeout; its failure ends the tool.
    close_when_open = true;
  }

  void close_now() {
    // Every wait is bounded: the close handshake gets close_timeout, then we leave anyway.
    hard_stop.start(Duration(7000), [this] { loop.stop(); });
    client->close(1000, "");
  }
};

}  // namespace

int run_ws(int argc, char** argv) {
  CommonOptions common;
  WsOptions wso;
  const auto own = [&](ArgReader& args, const std::string& arg, std::string& error) {
    std::string v;
    if (arg == "--binary") {
      wso.binary = true;
    } else if (arg == "--deflate") {
      wso.deflate = true;
    } else if (is_option(arg, "--subprotocol")) {
      if (args.value(arg, "--subprotocol", v, error)) wso.subprotocols.push_back(v);
    } else if (is_option(arg, "--ping-interval")) {
      double s = 0;
      if (args.value(arg, "--ping-interval", v, error) && (!parse_number(v, s) || s <= 0))
        error = "--ping-interval needs a positive number of seconds, got \"" + v + "\"";
      wso.ping_interval = s;
    } else {
      return false;
    }
    return true;
  };
  if (auto code = parse_command_line(argc, argv, "ws", kUsage, {"ws", "wss", "http", "https"},
                                     "a WebSocket URL starts with ws:// or wss:// (or http://, https://)",
                                     common, own))
    return *code;

  Session s(common.json);
  s.common = common;
  s.ws = wso;
  ws::ClientOptions options;
  options.headers = common.headers;
  options.subprotocols = wso.subprotocols;
  options.per_message_deflate = wso.deflate;
  options.tls = common.tls;
  options.proxy = common.proxy;
  options.reconnect = reconnect_policy(common, options.reconnect);
  if (common.max_message) options.max_message_size = *common.max_message;
  if (wso.ping_interval) options.heartbeat_interval = Duration(static_cast<long>(*wso.ping_interval * 1000));
  if (common.verbose) options.trace = [&s](std::string_view line) { s.out.trace(line); };
  s.client = std::make_unique<ws::Client>(s.loop, common.url, options);
  ws::Client& client = *s.client;

  std::function<void()> drain_pending;  // stdin lines waiting for the connection (below)
  s.subs.push_back(client.on_open.on([&] {
    s.ever_opened = true;
    if (s.out.json())
      s.out.event({{"type", "open"}, {"protocol", client.protocol()}});
    else
      s.out.status("connected to " + without_password(client.url()) + (client.protocol().empty() ? "" : " (" + client.protocol() + ")"));
    if (drain_pending) drain_pending();
    if (s.close_when_open) {
      s.close_when_open = false;
      s.close_now();
    }
  }));
  s.subs.push_back(client.on_message.on([&](const ws::Message& m) {
    if (s.count_reached) return;  // print exactly N
    if (s.out.json()) {
      if (m.is_binary())
        s.out.event({{"type", "message"}, {"binary", to_hex(m.data)}});
      else
        s.out.event({{"type", "message"}, {"data", m.data}});
    } else {
      s.out.data(m.is_binary() ? to_hex(m.data) : m.data);
    }
    if (s.common.count && ++s.received >= *s.common.count) {
      s.count_reached = true;
      if (!s.finishing || s.client->ready_state() == ws::ReadyState::open) {
        s.finishing = true;
        s.close_now();
      }
    }
  }));
  s.subs.push_back(client.on_error.on([&](std::error_code ec, const std::string& detail) {
    s.out.error(ec, detail);
    if (!s.ever_opened && retrying_cannot_fix(ec, detail)) s.hopeless = ec;
  }));
  s.subs.push_back(client.on_reconnecting.on([&](std::uint32_t attempt, Duration delay) {
    if (s.hopeless) return;  // the loop stops before that attempt
    if (s.out.json())
      s.out.event({{"type", "reconnecting"}, {"attempt", attempt}, {"delay_ms", delay.count()}});
    else
      s.out.status("reconnecting in " + std::to_string(delay.count()) + " ms (attempt " + std::to_string(attempt) +
                   ")");
  }));
  s.subs.push_back(client.on_close.on([&](const ws::CloseInfo& info) {
    if (s.out.json()) {
      s.out.event({{"type", "close"}, {"code", info.code}, {"reason", info.reason}, {"clean", info.was_clean}});
    } else {
      s.out.status("closed: " + std::to_string(info.code) + (info.reason.empty() ? "" : " " + info.reason) +
                   (info.was_clean ? "" : " (not clean)"));
    }
    const bool normal = s.count_reached || (s.finishing && !s.close_when_open) || (info.code == 1000 && info.was_clean);
    const bool final_attempt = s.close_when_open;  // stdin ended before open: no more attempts
    // Decide after the client has chosen whether to reconnect (it does so right after this event).
    if (s.hopeless) {
      s.out.status(giving_up_message(s.hopeless));
      s.exit_code = exit_failed;
      return s.loop.stop();
    }
    s.loop.post([&s, normal, final_attempt] {
      if (!final_attempt && s.client->ready_state() != ws::ReadyState::closed) return;
      s.exit_code = normal ? exit_ok : exit_failed;
      s.loop.stop();
    });
  }));

  if (common.timeout) {
    s.deadline.start(Duration(static_cast<long>(*common.timeout * 1000)), [&] {
      s.close_when_open = false;
      s.finishing = true;
      if (s.client->ready_state() == ws::ReadyState::open)
        s.close_now();
      else
        s.loop.stop();  // nothing to close: the time is up
    });
  }
  // Flow control: a line the client cannot take yet (not open, its queue full) waits,
  // with the reader paused, and goes out when the connection opens: nothing piped in
  // is dropped.
  std::deque<std::string> pending;
  bool input_ended = false;
  std::unique_ptr<StdinLines> input;
  const bool ends_itself = common.count || common.timeout;  // else the end of stdin ends the session
  auto send_line = [&](const std::string& line) {  // false: not taken, to try again
    std::error_code ec;
    if (s.ws.binary) {
      std::string raw;
      if (!from_hex(line, raw)) {
        s.out.error(errc::invalid_argument, "stdin line is not hex: " + line);
        s.line_lost = true;
        return true;
      }
      ec = client.send_binary(as_bytes(raw));
    } else {
      ec = client.send(line);
    }
    if (ec == errc::queue_full) return false;
    if (ec) {
      s.out.error(ec, "message not sent");
      s.line_lost = true;
    }
    return true;
  };
  drain_pending = [&] {
    while (!pending.empty() && send_line(pending.front())) pending.pop_front();
    if (!pending.empty()) return;
    input->resume();
    if (input_ended && !ends_itself && !s.finishing) s.finish();
  };
  input = std::make_unique<StdinLines>(
      s.loop,
      [&](std::string line) {
        if (s.finishing) return;
        if (pending.empty() && send_line(line)) return;
        pending.push_back(std::move(line));
        input->pause();
      },
      [&] {
        input_ended = true;
        // With --count or --timeout those end the session (replies to what stdin sent
        // still arrive: `echo hi | twinsock ws URL --count 1`); else the end of stdin does,
        // once every line has been handed to the client.
        if (!ends_itself && pending.empty() && !s.finishing) s.finish();
      });
  // Ctrl-C: a clean close (code 1000) while open, then the shell's code for the signal.
  int interrupted = 0;
  InterruptWatch interrupts(s.loop, [&](int signo) {
    interrupted = signo;
    s.finishing = true;
    s.close_when_open = false;
    if (client.ready_state() == ws::ReadyState::open) s.close_now();
    else s.loop.stop();
  });
  s.loop.run();
  if (interrupted) return exit_code_for_signal(interrupted);
  return s.line_lost ? exit_failed : s.exit_code;
}

}  // namespace twinsock::cli
