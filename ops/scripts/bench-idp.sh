#!/usr/bin/env bash
# Identity provider throughput (issue 12) on `pki up` (SQLite, ES256 key in the software key store):
#   wrk (kept-alive TLS): client-credentials tokens with client_secret_basic, introspection;
#   pki bench oidc (wrk cannot present a client certificate): client credentials over mTLS (tls_client_auth, the demo
#   business system) on kept-alive connections and with a new TLS connection per grant, and complete certificate
#   logins (authorize with the officer's staff certificate -> code -> token exchange).
# Usage: bash ops/scripts/bench-idp.sh [SECONDS=8] [RUNS=3]
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
seconds=${1:-8}
runs=${2:-3}
command -v wrk >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }
dotnet build "$root/ops/src/PkiPlatform.Cli" -c Release -v quiet -nologo >/dev/null
pki="dotnet $root/ops/src/PkiPlatform.Cli/bin/Release/net10.0/pki.dll"
work=$(mktemp -d /tmp/pki-bench-idp-XXXXXX)
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
http=$(port); ra=$(port); idp=$(port); mtls=$(port)
$pki --data "$work/data" init --kdf-cost 12 --base-url "http://127.0.0.1:$http" >/dev/null 2>&1
secret=$($pki --data "$work/data" oidc client add --id bench-cc --grant client_credentials | sed -n 's/.*secret \([^ ]*\).*/\1/p')
PKI_PASSPHRASE="" $pki --data "$work/data" up --ra-port "$ra" --idp-port "$idp" --idp-mtls-port "$mtls" >"$work/up.log" 2>&1 &
up=$!
trap 'kill $up 2>/dev/null; wait 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 300); do grep -q "Press Ctrl+C" "$work/up.log" && break; sleep 0.2; done
basic=$(printf 'bench-cc:%s' "$secret" | base64 -w0)
token=$(curl -s --cacert "$work/data/publish/ca/root.pem" -H "Authorization: Basic $basic" -d grant_type=client_credentials "https://127.0.0.1:$idp/connect/token" \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')
cat >"$work/cc.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Authorization"] = "Basic $basic"
wrk.body = "grant_type=client_credentials"
LUA
cat >"$work/introspect.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Authorization"] = "Basic $basic"
wrk.body = "token=$token"
LUA
# Each case: two warm-up runs (tiered JIT: the first tens of seconds run less optimised code), then RUNS measured runs
# and their median.
median() { tr ' ' '\n' | grep -v '^$' | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
measure() { # NAME COMMAND…: prints the runs and the median (operations/s)
  local name=$1; shift
  "$@" >/dev/null 2>&1 || true
  "$@" >/dev/null 2>&1 || true
  local values=""
  for _ in $(seq "$runs"); do values="$values $("$@" 2>&1 | sed -n 's/.*Requests\/sec: *\([0-9.]*\).*/\1/p; s/.*: \([0-9]*\) \/s (.*/\1/p' | head -1)"; done
  printf '%-70s runs:%s  median: %s /s\n' "$name" "$values" "$(echo "$values" | median)"
}
wrk_run() { timeout $((seconds + 30)) wrk -t2 -c32 -d"${seconds}s" -s "$work/$1.lua" "https://127.0.0.1:$idp/connect/$2"; }
measure "client credentials, client_secret_basic, kept-alive (wrk -t2 -c32)" wrk_run cc token
measure "introspection, kept-alive (wrk -t2 -c32)" wrk_run introspect introspect

system=$(sed -n 's/.*System   login: *\([^ ]*\) *password: \([^ ]*\).*/\1 \2/p' "$work/up.log")
officer=$(sed -n 's/.*Officer  login: *\([^ ]*\) *password: \([^ ]*\).*/\1 \2/p' "$work/up.log" | head -1)
demo=$(sed -n 's/.*client_id demo-rp   secret: \([^ ]*\).*/\1/p' "$work/up.log")
root="$work/data/publish/ca/root.pem"
cc() { $pki bench oidc --url "https://127.0.0.1:$mtls/connect/token" --client-id demo-system --p12 "${system% *}" --password "${system#* }" --root "$root" --seconds "$seconds" "$@"; }
measure "client credentials over mTLS (tls_client_auth), kept-alive, 32 callers" cc
measure "client credentials over mTLS, a new TLS connection per grant, 32 callers" cc --new-connection
# The same with a native load generator: ApacheBench without -k opens a new TCP and TLS connection (full handshake with
# the client certificate, no session resumption) for every POST; its "Failed requests: Length" only means the tokens'
# lengths differ, non-2xx answers would be listed separately and fail the run.
command -v ab >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq apache2-utils >/dev/null; }
openssl pkcs12 -in "${system% *}" -passin "pass:${system#* }" -clcerts -nokeys 2>/dev/null | sed -n '/BEGIN/,/END/p' >"$work/system.pem"
openssl pkcs12 -in "${system% *}" -passin "pass:${system#* }" -nocerts -nodes 2>/dev/null | sed -n '/BEGIN/,/END/p' >>"$work/system.pem"
printf 'grant_type=client_credentials&client_id=demo-system' >"$work/cc.body"
ab_run() {
  local out; out=$(timeout $((seconds + 30)) ab -t "$seconds" -n 10000000 -c 32 -E "$work/system.pem" -p "$work/cc.body" -T application/x-www-form-urlencoded "https://127.0.0.1:$mtls/connect/token" 2>&1)
  if grep -q "Non-2xx" <<<"$out"; then echo "ab: non-2xx answers" >&2; return 1; fi
  sed -n 's/Requests per second: *\([0-9.]*\).*/Requests\/sec: \1/p' <<<"$out"
}
measure "client credentials over mTLS, a new TLS connection per grant, ApacheBench -c 32" ab_run
login() { $pki bench oidc --mode login --url "https://127.0.0.1:$idp/" --client-id demo-rp --secret "$demo" --p12 "${officer% *}" --password "${officer#* }" --root "$root" --seconds "$seconds" --connections 16; }
measure "complete certificate logins (authorize -> code -> token), 16 callers" login
