# coding: utf-8
"""The seed's tsTserv.py over a Unix domain socket (AF_UNIX) instead of TCP: a timestamp server.

Usage: python3 tsUnixServ.py PATH

Only the address family and the address (a path) differ from tsTserv.py; it removes the socket
file when it is interrupted.
"""

import os
import sys
from socket import *
from time import ctime

PATH = sys.argv[1]
BUFSIZ = 1024

serSock = socket(AF_UNIX, SOCK_STREAM)
serSock.bind(PATH)
serSock.listen(5)
print('listening on %s' % serSock.getsockname(), flush=True)

try:
    while True:
        print('waiting for connection...', flush=True)
        cliSock, addr = serSock.accept()
        print('...connected from:', repr(addr), flush=True)
        while True:
            data = cliSock.recv(BUFSIZ)
            if not data:
                break
            cliSock.sendall(bytes('[%s] ' % ctime(), 'utf-8') + data)
        cliSock.close()
finally:
    os.unlink(PATH)
