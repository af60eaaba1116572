# coding: utf-8
"""tsUclnt.py, the UDP timestamp client the seed meant (its listing repeats the server).

Usage: python3 tsUclnt.py [HOST [PORT]]   (defaults 127.0.0.1 and 21567)

Sends each line typed as one datagram and prints the reply; an empty line or the end of input
ends it. UDP may lose a datagram, so a reply that does not come within 5 seconds ends the
client with an error instead of a wait forever.
"""

import sys
from socket import *

HOST = sys.argv[1] if len(sys.argv) > 1 else '127.0.0.1'
PORT = int(sys.argv[2]) if len(sys.argv) > 2 else 21567
BUFSIZ = 1024
ADDR = (HOST, PORT)

udpCliSock = socket(AF_INET, SOCK_DGRAM)
udpCliSock.settimeout(5.0)

while True:
    try:
        data = input('> ')
    except EOFError:
        break
    if not data:
        break
    udpCliSock.sendto(bytes(data, 'utf-8'), ADDR)
    try:
        data, addr = udpCliSock.recvfrom(BUFSIZ)
    except timeout:
        print('no reply within 5 seconds', file=sys.stderr)
        sys.exit(1)
    if not data:
        break
    print(data.decode('utf-8'))

udpCliSock.close()
