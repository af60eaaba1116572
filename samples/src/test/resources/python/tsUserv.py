# coding: utf-8
"""The seed's tsUserv.py, working under Python 3: a UDP timestamp server.

Usage: python3 tsUserv.py [HOST [PORT]]   (defaults 127.0.0.1 and 21567; port 0 picks a free one)

Changes from the seed: it binds 127.0.0.1 unless told otherwise and says where it listens;
the reply is bytes (the seed's first listing sends a str, a TypeError under Python 3) and
carries the datagram received, not Python's b'...' repr of it.
"""

import sys
from socket import *
from time import ctime

HOST = sys.argv[1] if len(sys.argv) > 1 else '127.0.0.1'
PORT = int(sys.argv[2]) if len(sys.argv) > 2 else 21567
BUFSIZ = 1024
ADDR = (HOST, PORT)

udpSerSock = socket(AF_INET, SOCK_DGRAM)
udpSerSock.bind(ADDR)
print('listening on %s:%d' % udpSerSock.getsockname(), flush=True)

while True:
    print('waiting for message...', flush=True)
    data, addr = udpSerSock.recvfrom(BUFSIZ)
    udpSerSock.sendto(bytes('[%s] ' % ctime(), 'utf-8') + data, addr)
    print('...received from and returned to:', addr, flush=True)
