# A strict RFC 6455 server for the interop tests: Python's `websockets` 10.4
# (Debian's python3-websockets). It fails the connection on any protocol
# violation (an unmasked client frame, a bad close code, invalid UTF-8, ...).
# Usage: /usr/bin/python3 ws_server.py [--port N] [--deflate]
# Prints {"port":N} when listening.
#
# Every message is echoed in kind (text as text, binary as binary), except:
#   "close"  -> the server closes with 4001 "bye now"
#   "big"    -> a 200,000-byte text message of "x"
#   "hello?" -> "subprotocol <name or none>, path <request path>"
import argparse
import asyncio
import json

import websockets

options = argparse.ArgumentParser()
options.add_argument('--port', type=int, default=0)
options.add_argument('--deflate', action='store_true', help='offer permessage-deflate')
args = options.parse_args()


async def handler(ws, path=None):
    async for message in ws:
        if message == 'close':
            await ws.close(4001, 'bye now')
            return
        if message == 'big':
            await ws.send('x' * 200_000)
        elif message == 'hello?':
            await ws.send(f'subprotocol {ws.subprotocol or "none"}, path {ws.path}')
        else:
            await ws.send(message)


async def main():
    async with websockets.serve(handler, '127.0.0.1', args.port, subprotocols=['chat.v1'],
                                compression='deflate' if args.deflate else None, max_size=2**20) as server:
        port = server.sockets[0].getsockname()[1]
        print(json.dumps({'port': port}), flush=True)
        await asyncio.Future()


if __name__ == '__main__':
    asyncio.run(main())
