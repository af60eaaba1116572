# coding: utf-8
"""The seed's tsTclntSS.py, working under Python 3: the socketserver pair's client.

Usage: python3 tsTclntSS.py [HOST [PORT]]   (defaults 127.0.0.1 and 21567)

Opens a new connection for every line, sends it with CRLF, prints the reply. An empty line or
the end of input ends it. Changes from the seed: host and port from the command line; it
connects after reading the line, not before (the seed leaves one connection open and unused
when the user ends); the reply is printed as text, not as Python's b'...' repr.
"""

import sys
from socket import *

HOST = sys.argv[1] if len(sys.argv) > 1 else '127.0.0.1'
PORT = int(sys.argv[2]) if len(sys.argv) > 2 else 21567
BUFSIZ = 1024
ADDR = (HOST, PORT)

while True:
    try:
        data = input('> ')
    except EOFError:
        break
    if not data:
        break
    tcpCliSock = socket(AF_INET, SOCK_STREAM)
    tcpCliSock.connect(ADDR)
    tcpCliSock.send(bytes('%s\r\n' % data, 'utf-8'))
    data = tcpCliSock.recv(BUFSIZ)
    tcpCliSock.close()
    if not data:
        break
    print(data.decode('utf-8').strip())
