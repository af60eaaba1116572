# A TLS client made with Python's ssl module (OpenSSL underneath): connects to argv[1]:argv[2]
# as "localhost" (SNI and host name check) trusting argv[3], offers ALPN "x/1" and "y/1",
# optionally shows the client certificate argv[5]/argv[6], sends a line, prints what comes back
# and how the session went, then ends as argv[4] says:
#   close     send close_notify (unwrap), then close
#   truncate  close the TCP connection without close_notify
import socket, ssl, sys

host, port, ca, ending = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
context = ssl.create_default_context(cafile=ca)
context.set_alpn_protocols(["x/1", "y/1"])
if len(sys.argv) > 6:
    context.load_cert_chain(sys.argv[5], sys.argv[6])
raw = socket.create_connection((host, port), timeout=240)  # a backstop only: a loaded machine is slow, the test waits for the events
tls = context.wrap_socket(raw, server_hostname="localhost")
tls.sendall(b"hello from python\n")
answer = b""
while not answer.endswith(b"\n"):
    chunk = tls.recv(4096)
    if not chunk:
        break
    answer += chunk
print("answer=" + answer.decode().strip())
print("version=" + tls.version())
print("alpn=" + str(tls.selected_alpn_protocol()))
if ending == "close":
    plain = tls.unwrap()
    print("unwrapped")
    plain.close()
else:
    # SSLSocket.shutdown drops the TLS state without a close_notify, then shuts the TCP socket down.
    tls.shutdown(socket.SHUT_RDWR)
    tls.close()
print("done")
