// twinsock for JavaScript: socket.io-client's io(), Manager and Socket; a
// reconnecting WebSocket; an EventSource with headers and POST. All three run
// on the WebAssembly build of twinsock's C++ core.
export { io, connect, Manager, Socket, protocol } from './socketio.js';
export { Engine } from './engine.js';
export { ReconnectingWebSocket } from './websocket.js';
export { EventSourceClient } from './eventsource.js';
export { TwinsockError } from './errors.js';
export { io as default } from './socketio.js';
