#!/usr/bin/env bash
# Time-stamping throughput: `pki up` (SQLite, ECDSA P-256 TSA key) answering RFC 3161 queries over HTTPS,
# wrk on the same machine. Usage: bash ops/scripts/bench-tsa.sh [SECONDS, default 10]
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
seconds=${1:-10}
command -v wrk >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }
dotnet build "$root/ops/src/PkiPlatform.Cli" -c Release -v quiet -nologo >/dev/null
dotnet build "$root/token-service/src/PkiPlatform.TokenService.Host" -c Release -v quiet -nologo >/dev/null
work=$(mktemp -d /tmp/pki-bench-tsa-XXXXXX)
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
http=$(port); https=$(port)
dotnet "$root/ops/src/PkiPlatform.Cli/bin/Release/net10.0/pki.dll" --data "$work/data" up --urls "http://127.0.0.1:$http" --ra-port "$https" >"$work/up.log" 2>&1 &
up=$!
tsa=""
trap 'kill $up $tsa 2>/dev/null; wait 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 150); do curl -s -o /dev/null "http://127.0.0.1:$http/health/live" && break; sleep 0.2; done
echo "document to stamp" >"$work/doc.txt"
openssl ts -query -data "$work/doc.txt" -sha256 -cert -out "$work/q.tsq" 2>/dev/null
curl -s --cacert "$work/data/publish/ca/root.pem" -H 'Content-Type: application/timestamp-query' --data-binary @"$work/q.tsq" "https://127.0.0.1:$https/tsa" -o "$work/r.tsr"
openssl ts -verify -queryfile "$work/q.tsq" -in "$work/r.tsr" -CAfile "$work/data/publish/ca/root.pem" -untrusted "$work/data/publish/ca/issuing.pem" 2>/dev/null | grep -q "Verification: OK"
cat >"$work/tsa.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/timestamp-query"
local f = io.open("$work/q.tsq", "rb"); wrk.body = f:read("*all"); f:close()
LUA
echo "== PkiPlatform TSA over HTTPS (ECDSA P-256, every token recorded)"
timeout $((seconds + 30)) wrk -t2 -c64 -d5s -s "$work/tsa.lua" "https://127.0.0.1:$https/tsa" >/dev/null   # warm-up (JIT, first CRLs)
timeout $((seconds + 30)) wrk -t2 -c64 -d"${seconds}s" --latency -s "$work/tsa.lua" "https://127.0.0.1:$https/tsa" \
  | awk '/Requests\/sec/ {rps=$2} / 99%/ {p99=$2} /Non-2xx/ {bad=$NF} END {printf "%s tokens/s, p99 %s, non-2xx %s\n", rps, p99, bad+0}'

# The stand-alone TSA host no longer answers over plain HTTP (only OCSP, CRL and CA certificates do: docs/security.md).
