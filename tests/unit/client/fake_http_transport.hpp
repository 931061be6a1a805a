// A scriptable HttpTransport: the test plays the server (head, data, end);
// every request the client made is recorded.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "twinsock/http_transport.hpp"

namespace twinsock::testing {

class FakeHttpTransport;

struct FakeHttpServer {
  std::vector<HttpRequest> requests;
  FakeHttpTransport* current = nullptr;
  HttpTransportFactory factory();
};

class FakeHttpTransport final : public HttpTransport {
 public:
  FakeHttpTransport(HttpResponseEvents& events, FakeHttpServer& server) : events_(events), server_(server) {}
  ~FakeHttpTransport() override {
    if (server_.current == this) server_.current = nullptr;
  }
  void head(int status, Headers headers = {{"Content-Type", "text/event-stream"}}) {
    events_.on_http_head(status, headers);
  }
  void data(std::string_view text) { events_.on_http_data(as_bytes(text)); }
  void end(std::error_code ec = {}, std::string detail = {}) { events_.on_http_end(ec, detail); }

 private:
  HttpResponseEvents& events_;
  FakeHttpServer& server_;
};

inline HttpTransportFactory FakeHttpServer::factory() {
  return [this](Loop&, const HttpRequest& request, HttpResponseEvents& events) {
    requests.push_back(request);
    auto transport = std::make_unique<FakeHttpTransport>(events, *this);
    current = transport.get();
    return transport;
  };
}

inline std::string header_of(const HttpRequest& r, std::string_view name) {
  const std::string* v = find_header(r.headers, name);
  return v ? *v : "<none>";
}

}  // namespace twinsock::testing
