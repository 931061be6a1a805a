// The embind module behind the npm package. An internal detail: users import
// the facade (bindings/js/index.js), which owns these objects' lifetimes.
#include <emscripten/bind.h>

#include "bindings.hpp"

EMSCRIPTEN_BINDINGS(twinsock) {
  using namespace twinsock::bindings;
  using emscripten::allow_raw_pointers;
  emscripten::class_<JsSocket>("Socket")
      .function("connect", &JsSocket::connect)
      .function("disconnect", &JsSocket::disconnect)
      .function("emit", &JsSocket::emit)
      .function("reply", &JsSocket::reply)
      .function("id", &JsSocket::id)
      .function("nsp", &JsSocket::nsp)
      .function("connected", &JsSocket::connected)
      .function("active", &JsSocket::active)
      .function("recovered", &JsSocket::recovered)
      .function("pending", &JsSocket::pending);
  emscripten::class_<JsManager>("Manager")
      .constructor<const std::string&, const std::string&, emscripten::val>()
      .function("socket", &JsManager::socket, allow_raw_pointers())
      .function("open", &JsManager::open)
      .function("close", &JsManager::close)
      .function("state", &JsManager::state)
      .function("urlNamespace", &JsManager::url_namespace)
      .function("engineId", &JsManager::engine_id)
      .function("transport", &JsManager::transport);
  emscripten::class_<JsWebSocket>("WebSocketClient")
      .constructor<const std::string&, const std::string&, emscripten::val>()
      .function("send", &JsWebSocket::send)
      .function("sendBinary", &JsWebSocket::send_binary)
      .function("close", &JsWebSocket::close)
      .function("reconnect", &JsWebSocket::reconnect)
      .function("connect", &JsWebSocket::connect)
      .function("readyState", &JsWebSocket::ready_state)
      .function("bufferedAmount", &JsWebSocket::buffered_amount)
      .function("protocol", &JsWebSocket::protocol)
      .function("url", &JsWebSocket::url)
      .function("retryCount", &JsWebSocket::retry_count);
  emscripten::class_<JsEventSource>("EventSourceClient")
      .constructor<const std::string&, const std::string&, emscripten::val>()
      .function("connect", &JsEventSource::connect)
      .function("close", &JsEventSource::close)
      .function("readyState", &JsEventSource::ready_state)
      .function("lastEventId", &JsEventSource::last_event_id)
      .function("url", &JsEventSource::url)
      .function("reconnectionTime", &JsEventSource::reconnection_time);
}
