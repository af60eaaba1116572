#!/bin/sh
# Makes the throw-away certificates the TLS tests use, valid for 100 years so that they can be
# checked in. Nothing here protects anything: the private keys are public.
#   ca.pem                    the test CA (RSA), the trust root of every test
#   localhost.pem/-key.pem    server certificate for localhost and 127.0.0.1 (RSA), chain: leaf then CA
#   other.pem/-key.pem        server certificate for other.test (EC P-256), for SNI, chain: leaf then CA
#   client.pem/-key.pem       a client certificate, "CN=test client" (EC P-256), chain: leaf then CA
#   stranger.pem/-key.pem     a self-signed localhost certificate no test trusts
#   localhost.p12             localhost's key and chain in PKCS#12, password "secret"
# Keys are PKCS#8 ("BEGIN PRIVATE KEY"). Run it in this directory: sh make-test-certificates.sh
set -eu
days=36500
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$work/ca-key.pem" 2>/dev/null
openssl req -x509 -new -key "$work/ca-key.pem" -days $days -subj "/CN=twine test CA" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" -out ca.pem

key() {  # file, rsa|ec
    if [ "$2" = rsa ]; then
        openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$1" 2>/dev/null
    else
        openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1"
    fi
}

leaf() {  # name, rsa|ec, subject, extensions
    key "$1-key.pem" "$2"
    openssl req -new -key "$1-key.pem" -subj "$3" -out "$work/$1.csr"
    printf '%s\n' "$4" > "$work/$1.ext"
    openssl x509 -req -in "$work/$1.csr" -CA ca.pem -CAkey "$work/ca-key.pem" -CAcreateserial \
        -CAserial "$work/ca.srl" -days $days -extfile "$work/$1.ext" -out "$work/$1-leaf.pem" 2>/dev/null
    cat "$work/$1-leaf.pem" ca.pem > "$1.pem"
}

leaf localhost rsa "/CN=localhost" "subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1
extendedKeyUsage=serverAuth"
leaf other ec "/CN=other.test" "subjectAltName=DNS:other.test
extendedKeyUsage=serverAuth"
leaf client ec "/CN=test client" "extendedKeyUsage=clientAuth"

key stranger-key.pem rsa
openssl req -x509 -new -key stranger-key.pem -days $days -subj "/CN=localhost" \
    -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" -out stranger.pem

openssl pkcs12 -export -in localhost.pem -inkey localhost-key.pem -name localhost \
    -passout pass:secret -out localhost.p12
