# Real Twisted over TLS (pyOpenSSL underneath), for /usr/bin/python3 with python3-twisted,
# python3-openssl and python3-service-identity.
#   server CHAIN KEY        DefaultOpenSSLContextFactory; prints "port=N"; echoes one connection,
#                           prints "lost=<reason class>" when it ends
#   client PORT CA          optionsForClientTLS("localhost", trustRoot=CA); sends a line, prints
#                           the answer, then loseConnection (close_notify)
import sys
from twisted.internet import reactor, ssl, protocol
from twisted.internet.endpoints import SSL4ClientEndpoint

class Echo(protocol.Protocol):
    def dataReceived(self, data):
        self.transport.write(data)
    def connectionLost(self, reason):
        print("lost=" + reason.type.__name__, flush=True)
        reactor.callLater(0, reactor.stop)

class Ask(protocol.Protocol):
    def connectionMade(self):
        self.transport.write(b"hello from twisted\n")
        self.got = b""
    def dataReceived(self, data):
        self.got += data
        if self.got.endswith(b"\n"):
            print("answer=" + self.got.decode().strip(), flush=True)
            self.transport.loseConnection()
    def connectionLost(self, reason):
        print("lost=" + reason.type.__name__, flush=True)
        reactor.callLater(0, reactor.stop)

def failed(failure):
    print("failed=" + str(failure.value), flush=True)
    reactor.stop()

if sys.argv[1] == "server":
    factory = protocol.Factory.forProtocol(Echo)
    port = reactor.listenSSL(0, factory, ssl.DefaultOpenSSLContextFactory(sys.argv[3], sys.argv[2]),
                             interface="127.0.0.1")
    print("port=%d" % port.getHost().port, flush=True)
else:
    with open(sys.argv[3]) as f:
        root = ssl.Certificate.loadPEM(f.read())
    options = ssl.optionsForClientTLS("localhost", trustRoot=root)
    endpoint = SSL4ClientEndpoint(reactor, "127.0.0.1", int(sys.argv[2]), options)
    endpoint.connect(protocol.Factory.forProtocol(Ask)).addErrback(failed)
reactor.callLater(240, reactor.stop)  # a backstop only: a loaded machine is slow, the test waits for the events
reactor.run()
