#!/bin/sh
# Makes a self-signed certificate and key for the console's TLS listener (port 8443), unless a
# pair is there already: for trying TLS out, since browsers warn about a self-signed certificate.
# In production mount a real pair (tls.crt, tls.key) at /etc/nginx/tls instead, or terminate TLS
# at the load balancer and use the plain listener (8080).
#
#   docker/nginx/self-signed-cert.sh [directory] [host name]
#
# The console container runs it at every start (from /docker-entrypoint.d) with the defaults:
# /etc/nginx/tls and $TLS_COMMON_NAME (localhost).
set -eu

dir="${1:-${TLS_DIR:-/etc/nginx/tls}}"
name="${2:-${TLS_COMMON_NAME:-localhost}}"
if [ -s "$dir/tls.crt" ] && [ -s "$dir/tls.key" ]; then
  exit 0
fi
case "$name" in
  *[!A-Za-z0-9.-]* | '') echo "self-signed-cert: \"$name\" is not a host name" >&2; exit 1 ;;
esac

mkdir -p "$dir"
umask 077
trap 'rm -f "$dir/tls.key.tmp" "$dir/tls.crt.tmp"' EXIT
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 365 \
  -subj "/CN=$name" -addext "subjectAltName=DNS:$name,DNS:localhost,IP:127.0.0.1" \
  -keyout "$dir/tls.key.tmp" -out "$dir/tls.crt.tmp" 2>/dev/null
mv "$dir/tls.key.tmp" "$dir/tls.key"
mv "$dir/tls.crt.tmp" "$dir/tls.crt"
chmod 644 "$dir/tls.crt"
echo "self-signed-cert: made a self-signed certificate for $name in $dir (valid 365 days)"
