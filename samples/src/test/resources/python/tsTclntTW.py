# coding: utf-8
"""The seed's tsTclntTW.py, working under Python 3: the Twisted timestamp client.

Usage: python3 tsTclntTW.py [HOST [PORT]]   (defaults 127.0.0.1 and 21567)

Changes from the seed: host and port from the command line; the end of input ends it like an
empty line instead of raising EOFError inside the reactor; the reply is printed as text, not as
Python's b'...' repr. Like the seed, it calls the blocking input() inside a callback, which
freezes the reactor while the user types: fine for one connection, wrong anywhere else.
"""

import sys
from twisted.internet import protocol, reactor

HOST = sys.argv[1] if len(sys.argv) > 1 else '127.0.0.1'
PORT = int(sys.argv[2]) if len(sys.argv) > 2 else 21567


class TSClntProtocol(protocol.Protocol):
    def sendData(self):
        try:
            data = input('> ')
        except EOFError:
            data = ''
        if data:
            print('...sending %s...' % data, flush=True)
            self.transport.write(bytes(data, 'utf-8'))
        else:
            self.transport.loseConnection()

    def connectionMade(self):
        self.sendData()

    def dataReceived(self, data):
        print(data.decode('utf-8'), flush=True)
        self.sendData()


class TSClntFactory(protocol.ClientFactory):
    protocol = TSClntProtocol
    clientConnectionLost = clientConnectionFailed = lambda self, connector, reason: reactor.stop()


reactor.connectTCP(HOST, PORT, TSClntFactory())
reactor.run()
