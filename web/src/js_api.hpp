// The functions web/js/twinsock_web.js provides to C++ (linked with --js-library).
// Strings are UTF-8 and NUL-terminated unless a length is given.
#pragma once

#include <cstddef>
#include <cstdint>

extern "C" {
// Timers and posted work (BrowserLoop).
int twinsock_js_set_timeout(std::uint32_t loop, double timer_id, double delay_ms);
void twinsock_js_clear_timeout(int js_handle);
void twinsock_js_schedule_flush(std::uint32_t loop);
/// Calls twinsock_loop_on_offline(loop) on every "offline" event of the global scope (browsers).
void twinsock_js_watch_offline(std::uint32_t loop);

// WebSocket (the browser's, or Module.WebSocket / the `ws` package in Node).
// Returns 0, or a negative value when no WebSocket implementation exists.
// `headers_json` ([[name, value], ...]) goes on the handshake where the implementation
// takes headers (twinsock_js_ws_takes_headers: in Node, the `ws` package or its own); browsers' do not.
// A message longer than `max_message_size` bytes (0: no limit) is reported by its size
// alone (twinsock_ws_on_message with null data): it is not copied into the wasm heap.
int twinsock_js_ws_open(std::uint32_t handle, const char* url, const char* protocols_json, const char* headers_json,
                        double max_message_size);
int twinsock_js_ws_takes_headers();
void twinsock_js_ws_send(std::uint32_t handle, int binary, const void* data, std::size_t size);
void twinsock_js_ws_close(std::uint32_t handle, int code, const char* reason);
double twinsock_js_ws_buffered_amount(std::uint32_t handle);
/// Forgets the socket: its handlers are detached, and it is closed if still open;
/// with `abort`, a socket still closing is dropped at once where that can be done.
void twinsock_js_ws_release(std::uint32_t handle, int abort);

/// The page's URL (location.href) on the heap (free it with free()), or null outside a page.
char* twinsock_js_page_url();

// fetch() with a streamed response body.
void twinsock_js_fetch(std::uint32_t handle, const char* method, const char* url, const char* headers_json,
                       const void* body, std::size_t body_size, int with_credentials, int no_store);
void twinsock_js_fetch_abort(std::uint32_t handle);
}
