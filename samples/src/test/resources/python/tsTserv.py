# coding: utf-8
"""The seed's tsTserv.py, working under Python 3: a TCP timestamp server.

Usage: python3 tsTserv.py [HOST [PORT]]   (defaults 127.0.0.1 and 21567; port 0 picks a free one)

Changes from the seed: it binds 127.0.0.1 unless told otherwise (the seed binds every
interface) and says where it listens; the reply carries the bytes received, not Python's b'...'
repr of them ('%s' % data on bytes); sendall() instead of send(), which may send only part.
"""

import sys
from socket import *
from time import ctime

HOST = sys.argv[1] if len(sys.argv) > 1 else '127.0.0.1'
PORT = int(sys.argv[2]) if len(sys.argv) > 2 else 21567
BUFSIZ = 1024
ADDR = (HOST, PORT)

tcpSerSock = socket(AF_INET, SOCK_STREAM)
tcpSerSock.setsockopt(SOL_SOCKET, SO_REUSEADDR, 1)
tcpSerSock.bind(ADDR)
tcpSerSock.listen(5)
print('listening on %s:%d' % tcpSerSock.getsockname(), flush=True)

while True:
    print('waiting for connection...', flush=True)
    tcpCliSock, addr = tcpSerSock.accept()
    print('...connected from:', addr, flush=True)

    while True:
        data = tcpCliSock.recv(BUFSIZ)
        if not data:
            break
        tcpCliSock.sendall(bytes('[%s] ' % ctime(), 'utf-8') + data)

    tcpCliSock.close()
