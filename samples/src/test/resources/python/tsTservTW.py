# coding: utf-8
"""The seed's tsTservTW.py, working under Python 3: the Twisted timestamp server.

Usage: python3 tsTservTW.py [HOST [PORT]]   (defaults 127.0.0.1 and 21567; port 0 picks a free one)

Changes from the seed: it listens on 127.0.0.1 unless told otherwise (the seed listens on
every interface) and says where; the reply carries the bytes received, not Python's b'...'
repr of them.
"""

import sys
from twisted.internet import protocol, reactor
from time import ctime

HOST = sys.argv[1] if len(sys.argv) > 1 else '127.0.0.1'
PORT = int(sys.argv[2]) if len(sys.argv) > 2 else 21567


class TSServProtocol(protocol.Protocol):
    def connectionMade(self):
        clnt = self.clnt = self.transport.getPeer().host
        print('...connected from:', clnt, flush=True)

    def dataReceived(self, data):
        self.transport.write(bytes('[%s] ' % ctime(), 'utf-8') + data)


factory = protocol.Factory()
factory.protocol = TSServProtocol
port = reactor.listenTCP(PORT, factory, interface=HOST)
print('listening on %s:%d' % (HOST, port.getHost().port), flush=True)
print('waiting for connection...', flush=True)
reactor.run()
