# Another Socket.IO server implementation for the interop tests: python-socketio
# on aiohttp (Debian's python3-socketio 5.7 / python3-engineio 4.3), so our
# client is checked against more than the Node reference's habits.
# Usage: /usr/bin/python3 sio_server.py [--port N] [--parser json|msgpack]
# Prints {"port":N} when listening.
#
# Namespace "/":
#   on connect              -> emits "welcome" with [sid, auth]
#   "echo" ...args          -> emits "echo" with the same args, and acks with them
#   "bin" value             -> acks with {"got": value, "more": b"\x01\x02\x03"}
#   "ask" value             -> calls "question" on the client (an ack it must answer),
#                              then emits "answer" with the client's reply
#   "half"                  -> emits "half" with "a\ud83dz" (a lone surrogate: JSON "\ud83d")
#   "kick"                  -> disconnects the socket ("io server disconnect")
#   any other event         -> the catch-all handler acks with ["any", event]
# Namespace "/chat": refuses a CONNECT whose auth.token is not "ok" (message
# "bad token", data {"code": 42}); else joins room "lobby" and emits "joined".
#   "say" text              -> emits "said" {"msg": text} to the room, acks "ok"
import argparse
import asyncio
import json
import sys

import socketio
from aiohttp import web

options = argparse.ArgumentParser()
options.add_argument('--port', type=int, default=0, action='store')
options.add_argument('--parser', choices=['json', 'msgpack'], default='json')
args = options.parse_args()

sio = socketio.AsyncServer(
    async_mode='aiohttp',
    serializer='msgpack' if args.parser == 'msgpack' else 'default',
    cors_allowed_origins='*',
    # Frequent pings, so every test also checks that we answer them; a timeout that
    # leaves room for a loaded CI machine (the tool runs under ASan there).
    ping_interval=1,
    ping_timeout=3,
)


@sio.event
async def connect(sid, environ, auth):
    await sio.emit('welcome', [sid, auth], to=sid)


@sio.event
async def echo(sid, *values):
    await sio.emit('echo', values, to=sid)  # a tuple: one argument each
    return values


@sio.event
async def bin(sid, value):
    return {'got': value, 'more': b'\x01\x02\x03'}


@sio.event
async def ask(sid, value):
    reply = await sio.call('question', value, to=sid, timeout=5)
    await sio.emit('answer', reply, to=sid)


@sio.event
async def half(sid):
    await sio.emit('half', 'a\ud83dz', to=sid)


@sio.event
async def kick(sid):
    await sio.disconnect(sid)


@sio.on('*')
async def any_event(event, sid, *values):
    return ['any', event]


@sio.on('connect', namespace='/chat')
async def chat_connect(sid, environ, auth):
    if not isinstance(auth, dict) or auth.get('token') != 'ok':
        raise socketio.exceptions.ConnectionRefusedError('bad token', {'code': 42})
    sio.enter_room(sid, 'lobby', namespace='/chat')
    await sio.emit('joined', 'lobby', to=sid, namespace='/chat')


@sio.on('say', namespace='/chat')
async def chat_say(sid, text):
    await sio.emit('said', {'msg': text}, room='lobby', namespace='/chat')
    return 'ok'


async def main():
    app = web.Application()
    sio.attach(app)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, '127.0.0.1', args.port)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]
    print(json.dumps({'port': port}), flush=True)
    await asyncio.Event().wait()


if __name__ == '__main__':
    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        sys.exit(0)
