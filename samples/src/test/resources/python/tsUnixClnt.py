# coding: utf-8
"""The seed's tsTclnt.py over a Unix domain socket (AF_UNIX) instead of TCP.

Usage: python3 tsUnixClnt.py PATH   (reads lines from standard input; an empty line ends it)
"""

import sys
from socket import *

PATH = sys.argv[1]
BUFSIZ = 1024

cliSock = socket(AF_UNIX, SOCK_STREAM)
cliSock.connect(PATH)

while True:
    data = input('> ')
    if not data:
        break
    cliSock.sendall(bytes(data, 'utf-8'))
    data = cliSock.recv(BUFSIZ)
    if not data:
        break
    print(data.decode('utf-8'))

cliSock.close()
