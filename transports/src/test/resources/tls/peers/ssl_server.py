# A TLS server made with Python's ssl module: listens on 127.0.0.1, prints "port=N", serves one
# client with the certificate argv[1] and key argv[2], requires a client certificate signed by
# argv[3], picks ALPN "x/1" if offered, records the SNI name, then answers one line with what it
# saw and ends with close_notify (unwrap).
import socket, ssl, sys

chain, key, ca = sys.argv[1], sys.argv[2], sys.argv[3]
seen = {}
context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
context.load_cert_chain(chain, key)
context.load_verify_locations(cafile=ca)
context.verify_mode = ssl.CERT_REQUIRED
context.set_alpn_protocols(["x/1"])
def remember_name(sock, name, ctx):
    seen["sni"] = name
context.sni_callback = remember_name
listener = socket.create_server(("127.0.0.1", 0))
listener.settimeout(240)  # backstops only: a loaded machine is slow, the test waits for the events
print("port=%d" % listener.getsockname()[1], flush=True)
raw, _ = listener.accept()
raw.settimeout(240)
tls = context.wrap_socket(raw, server_side=True)
line = b""
while not line.endswith(b"\n"):
    chunk = tls.recv(4096)
    if not chunk:
        break
    line += chunk
subject = dict(part[0] for part in tls.getpeercert()["subject"])
reply = "got=%s sni=%s client=%s alpn=%s\n" % (line.decode().strip(), seen.get("sni"), subject.get("commonName"),
                                               tls.selected_alpn_protocol())
tls.sendall(reply.encode())
tls.unwrap().close()
print("done", flush=True)
