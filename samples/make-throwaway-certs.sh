#!/bin/sh
# Makes a throw-away CA and a certificate for localhost (and 127.0.0.1, ::1) signed by it, for
# trying the samples over TLS. Valid 30 days. Nothing here protects anything: keep it off the
# internet.
#   sh samples/make-throwaway-certs.sh [DIR]      (DIR defaults to ./tls-certs)
# makes DIR/ca.pem (trust this on the client: --tls-ca), DIR/localhost.pem (the certificate
# chain: --tls-cert) and DIR/localhost-key.pem (its PKCS#8 key: --tls-key). Needs openssl.
set -eu
dir=${1:-tls-certs}
mkdir -p "$dir"
cd "$dir"
openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj "/CN=twine throw-away CA" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
    -keyout ca-key.pem -out ca.pem 2>/dev/null
openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" -keyout localhost-key.pem -out localhost.csr 2>/dev/null
printf 'subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1\nextendedKeyUsage=serverAuth\n' > localhost.ext
openssl x509 -req -in localhost.csr -CA ca.pem -CAkey ca-key.pem -CAcreateserial -days 30 \
    -extfile localhost.ext -out localhost-leaf.pem 2>/dev/null
cat localhost-leaf.pem ca.pem > localhost.pem
rm -f localhost.csr localhost.ext localhost-leaf.pem ca.srl
echo "made $dir/ca.pem, $dir/localhost.pem and $dir/localhost-key.pem"
