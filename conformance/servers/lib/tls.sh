# Test-only TLS material for the local SQL servers (sourced, not run). Each server gets its own
# throwaway CA and a server certificate for localhost / 127.0.0.1, so clients can test TLS with
# verification on. Nothing here is meant for anything but a loopback test server.
# shellcheck shell=bash

# Creates (once) `dir`/{ca.crt,server.crt,server.key}; the key is readable only by `user`.
ensure_test_certs() {
  local dir="$1" user="$2"
  if [[ -s "$dir/ca.crt" && -s "$dir/server.crt" && -s "$dir/server.key" ]]; then
    return 0
  fi
  command -v openssl >/dev/null || die "openssl is needed to create test TLS certificates"
  mkdir -p "$dir"
  local work
  work="$(mktemp -d)"
  openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=hourglass test CA" \
    -keyout "$work/ca.key" -out "$work/ca.crt" >/dev/null 2>&1 || die "openssl: cannot create the test CA"
  openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" \
    -keyout "$work/server.key" -out "$work/server.csr" >/dev/null 2>&1 || die "openssl: cannot create the server key"
  printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n' >"$work/ext.cnf"
  openssl x509 -req -in "$work/server.csr" -CA "$work/ca.crt" -CAkey "$work/ca.key" -CAcreateserial -days 3650 \
    -extfile "$work/ext.cnf" -out "$work/server.crt" >/dev/null 2>&1 || die "openssl: cannot sign the server certificate"
  install -m 644 "$work/ca.crt" "$dir/ca.crt"
  install -m 644 "$work/server.crt" "$dir/server.crt"
  install -m 600 "$work/server.key" "$dir/server.key"
  chown "$user:" "$dir/server.key" "$dir/server.crt" "$dir/ca.crt" 2>/dev/null || true
  rm -rf "$work"
}
