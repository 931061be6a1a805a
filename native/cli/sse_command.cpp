// `twinsock sse URL`: prints the events of an event stream. Resumes with
// Last-Event-ID after a drop unless --no-reconnect.
#include <cstdio>

#include "codec/url/url.hpp"
#include "commands.hpp"
#include "hopeless.hpp"
#include "interrupts.hpp"
#include "options.hpp"
#include "output.hpp"
#include "twinsock/error.hpp"
#include "twinsock/native/poll_loop.hpp"
#include "twinsock/sse/client.hpp"

namespace twinsock::cli {
namespace {

constexpr const char* kUsage =
    "usage: twinsock sse URL [options]\n"
    "\n"
    "Reads a Server-Sent Events stream (http:// or https://; host:port/path means http://)\n"
    "and prints each event to stdout, in the stream's own format (event:, id:, data: lines,\n"
    "then a blank line).\n"
    "Status goes to stderr. Reconnects with Last-Event-ID unless --no-reconnect.\n"
    "\n"
    "options:\n"
    "  -H, --header \"Name: value\"  extra request header (repeatable)\n"
    "  --origin URL               Origin header, as a page from URL sends (wscat -o)\n"
    "  --last-event-id ID         resume from ID (sent as Last-Event-ID)\n"
    "  --method M                 request method (default GET)\n"
    "  --data BODY                request body (implies --method POST unless given)\n"
    "  --json                     one JSON object per event on stdout\n"
    "  --count N                  exit after N events\n"
    "  --timeout SEC              exit after SEC seconds\n"
    "  --no-reconnect             exit when the stream ends\n"
    "  --reconnect-attempts N     give up (exit 1) after N failed reconnections in a row\n"
    "                             (a stream up 5 s starts the count again)\n"
    "  --reconnect-delay MS       first reconnection delay (default 3000, the spec's, growing to 30000)\n"
    "  --max-message BYTES        largest event data accepted (default 4 MiB)\n"
    "  --insecure, -k             do not verify the server's TLS certificate\n"
    "  --ca FILE                  trust the CA certificates in FILE (PEM)\n"
    "  --cert FILE, --key FILE    client certificate and key (PEM)\n"
    "  --proxy URL                HTTP proxy (default: HTTPS_PROXY / HTTP_PROXY, NO_PROXY)\n"
    "  -v, --verbose              protocol trace on stderr\n"
    "  -h, --help                 this help\n"
    "\n"
    "A first connection refused for good (HTTP 4xx, an untrusted certificate) is not retried.\n"
    "\n"
    "exit codes: 0 --count or --timeout reached, the server answered 204, or the stream\n"
    "            ended under --no-reconnect; 1 the request failed (status, content type,\n"
    "            connection) and no reconnection is left; 2 usage error\n";

}  // namespace

int run_sse(int argc, char** argv) {
  CommonOptions common;
  SseOptions sso;
  bool method_given = false;
  const auto own = [&](ArgReader& args, const std::string& arg, std::string& error) {
    std::string v;
    if (is_option(arg, "--last-event-id")) {
      if (args.value(arg, "--last-event-id", v, error)) sso.last_event_id = v;
    } else if (is_option(arg, "--method")) {
      if (args.value(arg, "--method", v, error)) {
        sso.method = v;
        method_given = true;
      }
    } else if (is_option(arg, "--data")) {
      if (args.value(arg, "--data", v, error)) sso.data = v;
    } else {
      return false;
    }
    return true;
  };
  if (auto code = parse_command_line(argc, argv, "sse", kUsage, {"http", "https"},
                                     "an event stream URL starts with http:// or https://", common, own))
    return *code;
  if (sso.data && !method_given) sso.method = "POST";

  native::PollLoop loop;
  Output out(common.json);
  sse::ClientOptions options;
  options.method = sso.method;
  options.body = sso.data.value_or("");
  options.headers = common.headers;
  options.last_event_id = sso.last_event_id;
  options.tls = common.tls;
  options.proxy = common.proxy;
  options.reconnect = reconnect_policy(common, options.reconnect);
  if (common.max_message) options.max_event_size = *common.max_message;
  if (common.verbose) options.trace = [&out](std::string_view line) { out.trace(line); };
  sse::Client client(loop, common.url, options);

  int exit_code = exit_ok;
  bool done = false;    // --count or --timeout reached: print nothing more
  bool failed = false;  // an error that ended the stream
  bool ever_opened = false;
  long received = 0;
  std::vector<Subscription> subs;
  subs.push_back(client.on_open.on([&] {
    failed = false;
    ever_opened = true;
    if (out.json())
      out.event({{"type", "open"}});
    else
      out.status("connected to " + without_password(client.url()));
  }));
  subs.push_back(client.on_message.on([&](const sse::MessageEvent& m) {
    if (done) return;
    if (out.json()) {
      out.event({{"type", "message"}, {"event", m.type}, {"id", m.last_event_id}, {"data", m.data}});
    } else {
      std::string text;
      if (m.type != "message") text += "event: " + m.type + "\n";
      if (!m.last_event_id.empty()) text += "id: " + m.last_event_id + "\n";
      std::size_t start = 0;
      for (;;) {
        const std::size_t end = m.data.find('\n', start);
        const std::string line = m.data.substr(start, end == std::string::npos ? std::string::npos : end - start);
        text += (line.empty() ? "data:" : "data: " + line) + "\n";
        if (end == std::string::npos) break;
        start = end + 1;
      }
      out.data(text);
    }
    if (common.count && ++received >= *common.count) {
      done = true;
      exit_code = exit_ok;
      loop.stop();
    }
  }));
  subs.push_back(client.on_error.on([&](std::error_code ec, const std::string& detail, int status) {
    if (done) return;
    failed = true;
    if (out.json()) {
      nlohmann::ordered_json e = {
          {"type", "error"}, {"code", std::string(error_id(ec))}, {"message", detail.empty() ? ec.message() : detail}};
      if (status) e["status"] = status;
      out.event(e);
    } else {
      out.error(ec, detail);
    }
    if (!ever_opened && retrying_cannot_fix(ec, detail, status)) {
      out.status(giving_up_message(ec));
      done = true;
      exit_code = exit_failed;
      loop.stop();
    }
  }));
  subs.push_back(client.on_reconnecting.on([&](std::uint32_t attempt, Duration delay) {
    if (done) return;
    if (out.json())
      out.event({{"type", "reconnecting"}, {"attempt", attempt}, {"delay_ms", delay.count()}});
    else
      out.status("reconnecting in " + std::to_string(delay.count()) + " ms (attempt " + std::to_string(attempt) + ")");
  }));
  subs.push_back(client.on_close.on([&] {
    if (done) return;
    if (out.json())
      out.event({{"type", "close"}});
    else
      out.status("stream closed");
    exit_code = failed ? exit_failed : exit_ok;
    loop.stop();
  }));
  Timer deadline(loop);
  if (common.timeout) {
    deadline.start(Duration(static_cast<long>(*common.timeout * 1000)), [&] {
      done = true;
      exit_code = exit_ok;
      loop.stop();
    });
  }
  InterruptWatch interrupts(loop, [&](int signo) {
    done = true;
    exit_code = exit_code_for_signal(signo);
    loop.stop();
  });
  loop.run();
  return exit_code;
}

}  // namespace twinsock::cli
