# coding: utf-8
"""The seed's tsTservSS.py, working under Python 3: a socketserver timestamp server.

Usage: python3 tsTservSS.py [HOST [PORT]]   (defaults 127.0.0.1 and 21567; port 0 picks a free one)

Each connection sends one line; the server answers '[ctime] line' (the line keeps its
terminator, as readline() returns it) and closes. Changes from the seed: it binds 127.0.0.1
unless told otherwise and says where it listens; it writes bytes (the seed writes a str to
wfile, a TypeError under Python 3) carrying the line, not Python's b'...' repr of it; a line is
read up to 64 KiB, so a client cannot make it buffer without bound.
"""

import sys
from socketserver import (TCPServer as TCP, StreamRequestHandler as SRH)
from time import ctime

HOST = sys.argv[1] if len(sys.argv) > 1 else '127.0.0.1'
PORT = int(sys.argv[2]) if len(sys.argv) > 2 else 21567
ADDR = (HOST, PORT)


class MyRequestHandler(SRH):
    def handle(self):
        print('...connected from:', self.client_address, flush=True)
        self.wfile.write(bytes('[%s] ' % ctime(), 'utf-8') + self.rfile.readline(65536))


TCP.allow_reuse_address = True
tcpServ = TCP(ADDR, MyRequestHandler)
print('listening on %s:%d' % tcpServ.server_address, flush=True)
print('waiting for connection...', flush=True)
tcpServ.serve_forever()
