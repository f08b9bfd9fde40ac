#!/usr/bin/env bash
# OCSP benchmark, everything in one run on this machine (load generator included):
#   1. PkiPlatform's responder (`pki up`): cached GET (no nonce) and live POST with nonce (ECDSA P-256)
#   2. cfssl ocspserve serving the same pre-signed responses (Debian golang-cfssl)
#   3. openssl ocsp -index … -multi 2 (signs every answer)
#   4. resident memory of the responder with 1,000,000 certificates in its database
# Usage: bash ops/scripts/bench-ocsp.sh [SECONDS per run, default 10]
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
seconds=${1:-10}
need=()
command -v wrk >/dev/null || need+=(wrk)
command -v cfssl >/dev/null || need+=(golang-cfssl)
if ((${#need[@]})); then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null; fi

dotnet build "$root/ops/src/PkiPlatform.Cli" -c Release -v quiet -nologo >/dev/null
pki_dll="$root/ops/src/PkiPlatform.Cli/bin/Release/net10.0/pki.dll"
work=$(mktemp -d /tmp/pki-bench-ocsp-XXXXXX)
pids=()
# openssl ocsp -multi children outlive their parent and spin: stop them by their command line too.
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; pkill -f "$work/index.txt" 2>/dev/null || true; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
wait_http() { for _ in $(seq 100); do curl -s -o /dev/null "$1" && return 0; sleep 0.2; done; echo "no answer from $1" >&2; return 1; }
urlenc() { openssl base64 -A -in "$1" | sed 's/+/%2B/g;s#/#%2F#g;s/=/%3D/g'; }
summary() { awk '/Requests\/sec/ {rps=$2} / 99%/ {p99=$2} END {printf "%s req/s, p99 %s\n", rps, p99}' "$1"; }

p1=$(port)
data="$work/data"
pki() { dotnet "$pki_dll" --data "$data" "$@"; }
pki init --base-url "http://127.0.0.1:$p1" --kdf-cost 12 </dev/null >/dev/null 2>&1
ca="$data/publish/ca"
openssl ecparam -name prime256v1 -genkey -noout -out "$work/ee.key"
openssl req -new -key "$work/ee.key" -subj "/CN=Bench/O=HRSS" -out "$work/ee.csr"
pki issue --bypass-ra "benchmark" --profile staff-auth --csr "$work/ee.csr" --out "$work/ee.pem" >/dev/null
dotnet "$pki_dll" --data "$data" up >"$work/up.log" 2>&1 &
pids+=($!); up_pid=$!
wait_http "http://127.0.0.1:$p1/health/live"

openssl ocsp -issuer "$ca/issuing.pem" -cert "$work/ee.pem" -no_nonce -reqout "$work/req.der" >/dev/null 2>&1
openssl ocsp -issuer "$ca/issuing.pem" -cert "$work/ee.pem" -reqout "$work/nonce.der" >/dev/null 2>&1
get_path="/ocsp/$(urlenc "$work/req.der")"
cat >"$work/nonce.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/ocsp-request"
local f = io.open("$work/nonce.der", "rb"); wrk.body = f:read("*all"); f:close()
LUA
cat >"$work/post.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/ocsp-request"
local f = io.open("$work/req.der", "rb"); wrk.body = f:read("*all"); f:close()
LUA
curl -s "http://127.0.0.1:$p1$get_path" -o "$work/presigned.der"
openssl ocsp -respin "$work/presigned.der" -noverify -resp_text | grep -q "Cert Status: good"

echo "== PkiPlatform cached GET (no nonce)"
timeout $((seconds + 30)) wrk -t2 -c64 -d"${seconds}s" --latency "http://127.0.0.1:$p1$get_path" >"$work/ours-get.txt"; summary "$work/ours-get.txt"
echo "== PkiPlatform cached POST (no nonce)"
timeout $((seconds + 30)) wrk -t2 -c64 -d"${seconds}s" --latency -s "$work/post.lua" "http://127.0.0.1:$p1/ocsp" >"$work/ours-post.txt"; summary "$work/ours-post.txt"
echo "== PkiPlatform POST with nonce (live ECDSA P-256 signature)"
timeout $((seconds + 30)) wrk -t2 -c64 -d"${seconds}s" --latency -s "$work/nonce.lua" "http://127.0.0.1:$p1/ocsp" >"$work/ours-nonce.txt"; summary "$work/ours-nonce.txt"
echo "   responder RSS after load: $(awk '/VmRSS/ {print $2/1024 " MiB"}' /proc/$up_pid/status)"

# cfssl 1.2.0 (Debian) fails to decode GET paths ("Error decoding base64 from URL: /MFEw…"), so it is measured with POST.
echo "== cfssl ocspserve, POST (same pre-signed response)"
p2=$(port)
openssl base64 -A -in "$work/presigned.der" >"$work/responses.txt"; echo >>"$work/responses.txt"
cfssl ocspserve -address 127.0.0.1 -port "$p2" -responses "$work/responses.txt" -loglevel 5 >"$work/cfssl.log" 2>&1 &
pids+=($!)
sleep 1
curl -s --data-binary @"$work/req.der" -H 'Content-Type: application/ocsp-request' "http://127.0.0.1:$p2/" -o "$work/cfssl.der"
openssl ocsp -respin "$work/cfssl.der" -noverify -resp_text | grep -q "Cert Status: good" || { echo "cfssl did not answer the request" >&2; exit 1; }
timeout $((seconds + 30)) wrk -t2 -c64 -d"${seconds}s" --latency -s "$work/post.lua" "http://127.0.0.1:$p2/" >"$work/cfssl.txt"; summary "$work/cfssl.txt"

echo "== openssl ocsp -index … -multi 2 (signs each answer, ECDSA P-256)"
p3=$(port)
openssl ecparam -name prime256v1 -genkey -noout -out "$work/rsp.key"
openssl req -new -key "$work/rsp.key" -subj "/CN=OpenSSL Responder" -out "$work/rsp.csr"
pki issue --profile ocsp-signing --csr "$work/rsp.csr" --out "$work/rsp.pem" >/dev/null
serial=$(openssl x509 -in "$work/ee.pem" -noout -serial | cut -d= -f2)
printf 'V\t%s\t\t%s\tunknown\t/CN=Bench/O=HRSS\n' "$(date -u -d '+1 year' +%y%m%d%H%M%SZ)" "$serial" >"$work/index.txt"
# openssl ocsp has no bind-address option; it is only ever sent loopback traffic here.
openssl ocsp -index "$work/index.txt" -port "$p3" -rsigner "$work/rsp.pem" -rkey "$work/rsp.key" -CA "$ca/issuing.pem" -multi 2 >"$work/openssl.log" 2>&1 &
pids+=($!)
sleep 1.5
timeout $((seconds + 30)) wrk -t2 -c64 -d"${seconds}s" --latency -s "$work/post.lua" "http://127.0.0.1:$p3/" >"$work/openssl.txt"; summary "$work/openssl.txt"

# Stop the openssl responders now: after a load their -multi children keep spinning on a core.
pkill -f "$work/index.txt" 2>/dev/null || true

echo "== responder memory with 1,000,000 certificates in the database"
kill "$up_pid"; wait "$up_pid" 2>/dev/null || true
python3 - "$data/ca.db" <<'PY'
import sqlite3, sys, os, datetime
db = sqlite3.connect(sys.argv[1])
authority = db.execute("SELECT id FROM authorities WHERE name = 'issuing'").fetchone()[0]
now = datetime.datetime.utcnow().strftime("%Y-%m-%d %H:%M:%S")
later = (datetime.datetime.utcnow() + datetime.timedelta(days=365)).strftime("%Y-%m-%d %H:%M:%S")
def rows():
    for i in range(1_000_000):
        serial = "%032X" % (0x40000000000000000000000000000000 | int.from_bytes(os.urandom(15), "big"))
        revoked = i % 50 == 0
        yield (authority, serial, "staff-auth", "CN=synthetic %d" % i, now, later, 2 if revoked else 1, b"\x30\x00", now,
               now if revoked else None, 1 if revoked else None, now if revoked else None)
db.executemany("INSERT INTO certificates (authority_id, serial, profile, subject_dn, not_before, not_after, status, der, created_at, revoked_at, revocation_reason, status_changed_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)", rows())
db.commit()
print("   inserted 1,000,000 certificates (2% revoked); total", db.execute("SELECT COUNT(*) FROM certificates").fetchone()[0])
PY
dotnet "$pki_dll" --data "$data" up >"$work/up2.log" 2>&1 &
pids+=($!); up_pid=$!
wait_http "http://127.0.0.1:$p1/health/live"
timeout $((seconds + 30)) wrk -t2 -c64 -d"${seconds}s" --latency "http://127.0.0.1:$p1$get_path" >"$work/ours-get-1m.txt"; echo "   cached GET with 1M rows: $(summary "$work/ours-get-1m.txt")"
timeout $((seconds + 30)) wrk -t2 -c64 -d"${seconds}s" --latency -s "$work/nonce.lua" "http://127.0.0.1:$p1/ocsp" >"$work/ours-nonce-1m.txt"; echo "   nonce POST with 1M rows: $(summary "$work/ours-nonce-1m.txt")"
echo "   responder RSS: $(awk '/VmRSS/ {print $2/1024 " MiB"}' /proc/$up_pid/status)"
