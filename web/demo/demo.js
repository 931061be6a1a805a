// The twinsock live demo: every visitor is a dot on a shared board, moved with the
// arrow keys, plus a chat line. The protocol is in server.mjs's header comment.
// URL parameters: ?name=alice&color=%23e6194b&transports=websocket
import * as client from '/twinsock/dist/index.js';  // the npm package "twinsock" (server.mjs serves build/npm)

const { io } = client;
const STEP = 10;
const params = new URLSearchParams(location.search);
const $ = (id) => document.getElementById(id);
const board = $('board');
const ctx = board.getContext('2d');

// What the page knows, also read by the browser tests.
const demo = { client: client.demoFallback ?? 'twinsock', status: 'connecting', id: null, players: {}, messages: [] };
window.demo = demo;
window.demoClient = demo.client;
$('client').textContent = `client: ${demo.client}`;
$('cli').textContent = `build/native/twinsock io ${location.origin}/ --auth '{"name":"terminal"}'`;

const options = { auth: { name: params.get('name') ?? '', color: params.get('color') ?? '' }, reconnectionDelayMax: 2000 };
if (params.get('transports')) options.transports = params.get('transports').split(',');
const socket = io(location.origin, options);
window.demoSocket = socket;

function setStatus(state, text = state) {
  demo.status = state;
  $('status').dataset.state = state;
  $('status').textContent = text;
  $('status').title = socket.id ? `socket id ${socket.id}` : '';
}
socket.on('connect', () => setStatus('connected'));
socket.on('disconnect', (reason) =>
  reason === 'io client disconnect' || reason === 'io server disconnect'
    ? setStatus('disconnected', `disconnected (${reason})`)
    : setStatus('reconnecting', `reconnecting (${reason})`));
socket.on('connect_error', () => setStatus('reconnecting'));
socket.io.on('reconnect_attempt', (attempt) => setStatus('reconnecting', `reconnecting (attempt ${attempt})`));

// ---------------------------------------------------------------- state from the server
let lastSelf = null;  // where this player is, told again to a new server after a restart
socket.on('state', (state) => {
  demo.id = state.id;
  demo.players = Object.fromEntries(state.players.map((p) => [p.id, { ...p }]));
  if (state.chat) {
    demo.messages = [];
    $('messages').replaceChildren();
    state.chat.forEach(addMessage);
  }
  const self = demo.players[demo.id];
  if (lastSelf && self && (self.x !== lastSelf.x || self.y !== lastSelf.y)) moveTo(lastSelf.x, lastSelf.y);
  else if (self) lastSelf = { x: self.x, y: self.y };
  render();
});
socket.on('joined', (p) => {
  demo.players[p.id] = { ...p };
  render();
});
socket.on('left', ({ id }) => {
  delete demo.players[id];
  render();
});
socket.on('move', ({ id, x, y }) => {
  if (!demo.players[id]) return;
  Object.assign(demo.players[id], { x, y });
  render();
});
socket.on('chat', addMessage);

function addMessage(m) {
  demo.messages.push({ name: m.name, text: m.text });
  const name = Object.assign(document.createElement('b'), { textContent: m.name });
  const li = document.createElement('li');
  li.style.setProperty('--c', m.color);
  li.append(name, ' ', m.text);
  $('messages').append(li);
  $('messages').scrollTop = $('messages').scrollHeight;
}

// ---------------------------------------------------------------- moving and chatting
function moveTo(x, y) {
  const self = demo.players[demo.id];
  if (!self) return;
  self.x = Math.min(Math.max(x, 0), board.width);
  self.y = Math.min(Math.max(y, 0), board.height);
  lastSelf = { x: self.x, y: self.y };
  socket.emit('move', lastSelf);
  render();
}
const KEYS = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };
document.addEventListener('keydown', (e) => {
  const self = demo.players[demo.id];
  if (!KEYS[e.key] || e.target instanceof HTMLInputElement || !self) return;
  e.preventDefault();
  moveTo(self.x + KEYS[e.key][0] * STEP, self.y + KEYS[e.key][1] * STEP);
});
board.addEventListener('click', () => board.focus());
$('chat').addEventListener('submit', (e) => {
  e.preventDefault();
  const text = $('text').value.trim();
  if (text) socket.emit('chat', text);
  $('text').value = '';
});

// ---------------------------------------------------------------- drawing
function render() {
  ctx.clearRect(0, 0, board.width, board.height);
  ctx.lineWidth = 1;
  ctx.strokeStyle = '#eee';
  for (let x = 40; x < board.width; x += 40) ctx.strokeRect(x, 0, 0, board.height);
  for (let y = 40; y < board.height; y += 40) ctx.strokeRect(0, y, board.width, 0);
  ctx.font = '12px system-ui, sans-serif';
  ctx.textAlign = 'center';
  const list = Object.values(demo.players);
  for (const p of list) {
    ctx.beginPath();
    ctx.arc(p.x, p.y, 12, 0, 2 * Math.PI);
    ctx.fillStyle = p.color;
    ctx.fill();
    if (p.id === demo.id) {
      ctx.lineWidth = 3;
      ctx.strokeStyle = '#222';
      ctx.stroke();
    }
    ctx.fillStyle = '#333';
    ctx.fillText(p.name, p.x, p.y - 18);
  }
  $('players').replaceChildren(...list.map((p) => {
    const li = Object.assign(document.createElement('li'), { textContent: p.id === demo.id ? `${p.name} (you)` : p.name });
    li.style.setProperty('--c', p.color);
    return li;
  }));
}
render();
