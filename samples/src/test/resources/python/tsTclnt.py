# coding: utf-8
"""The seed's tsTclnt.py, working under Python 3: a TCP timestamp client.

Usage: python3 tsTclnt.py [HOST [PORT]]   (defaults 127.0.0.1 and 21567)

Sends each line typed, prints the reply; an empty line or the end of input ends it.
Changes from the seed: host and port from the command line; the end of input ends it instead
of raising EOFError.
"""

import sys
from socket import *

HOST = sys.argv[1] if len(sys.argv) > 1 else '127.0.0.1'
PORT = int(sys.argv[2]) if len(sys.argv) > 2 else 21567
BUFSIZ = 1024
ADDR = (HOST, PORT)

tcpCliSock = socket(AF_INET, SOCK_STREAM)
tcpCliSock.connect(ADDR)

while True:
    try:
        data = input('> ')
    except EOFError:
        break
    if not data:
        break
    tcpCliSock.send(bytes(data, 'utf-8'))
    data = tcpCliSock.recv(BUFSIZ)
    if not data:
        break
    print(data.decode('utf-8'))

tcpCliSock.close()
