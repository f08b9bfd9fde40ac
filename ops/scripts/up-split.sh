#!/usr/bin/env bash
# Run the security zones as separate processes on one machine (docs/architecture.md), over a data directory whose
# pki.json points at PostgreSQL (pki init --database-provider postgres --database "Host=…"):
#   1. `pki up` once, briefly, if DATA/ra/portal.p12 is missing (evaluation credentials, RA TLS, service certificates)
#   2. `pki db roles` unless DATA/db holds the roles' passwords
#   3. the CA host (owner connection, CA keys), the RA host (role pki_ra, no key store), the OCSP host (role pki_ocsp,
#      read-only), the token-service host (role pki_token_service), the identity host (role pki_identity; it does not
#      migrate: after an upgrade run `pki db migrate` first), the KMC host (role pki_kmc, mutual TLS; the CA host calls
#      it with --Kmc:Url); Ctrl+C stops them all.
# Usage: bash ops/scripts/up-split.sh DATA [PLAIN_PORT=8080] [RA_PORT=8443] [TSA_PORT=8318] [IDP_PORT=8445] [KMC_PORT=8447]
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
data=$(realpath "${1:?usage: up-split.sh DATA [PLAIN_PORT] [RA_PORT] [TSA_PORT]}")
plain=${2:-8080}; ra=${3:-8443}; tsa=${4:-8318}; idp=${5:-8445}; kmc=${6:-8447}
dotnet build "$root/ops/src/PkiPlatform.Cli" -c Release -v quiet -nologo >/dev/null
bin="$root/ops/src/PkiPlatform.Cli/bin/Release/net10.0"
pki() { dotnet "$bin/pki.dll" --data "$data" "$@"; }
grep -q '"provider": *"postgres"' "$data/pki.json" || { echo "up-split.sh: $data/pki.json does not use PostgreSQL; zones need their own database roles" >&2; exit 2; }
if [[ ! -f $data/ra/portal.p12 || ! -f $data/kmc/tls.p12 ]]; then
  pki up --ra-port "$ra" >"$data/bootstrap.log" 2>&1 &
  boot=$!
  for _ in $(seq 300); do grep -q "Press Ctrl+C to stop." "$data/bootstrap.log" && break; sleep 0.2; done
  kill "$boot"; wait "$boot" 2>/dev/null || true
  grep -E "login:" "$data/bootstrap.log" || true
fi
ls "$data"/db/*ra.password >/dev/null 2>&1 || pki db roles
conn() { # the owner's connection string with the zone's role
  python3 - "$data/pki.json" "$1" "$(cat "$data"/db/*"$1".password)" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))["database"]["connectionString"]
parts = [p for p in c.split(";") if p and p.split("=")[0].strip().lower() not in ("username", "user id", "password")]
print(";".join(parts + ["Username=pki_" + sys.argv[2], "Password=" + sys.argv[3]]))
PY
}
pids=()
trap 'kill "${pids[@]}" 2>/dev/null; wait' EXIT INT TERM
dotnet "$bin/PkiPlatform.Kmc.Host.dll" --data "$data" --port "$kmc" --Database:ConnectionString "$(conn kmc)" & pids+=($!)
dotnet "$bin/PkiPlatform.CaCore.Host.dll" --data "$data" --Kmc:Url "https://127.0.0.1:$kmc/" & pids+=($!)
dotnet "$bin/PkiPlatform.RaPortal.Host.dll" --data "$data" --port "$ra" --Database:ConnectionString "$(conn ra)" & pids+=($!)
dotnet "$bin/PkiPlatform.OcspResponder.Host.dll" --data "$data" --urls "http://127.0.0.1:$plain" --Ocsp:ProvisionResponders=false \
  --Database:ConnectionString "$(conn ocsp)" & pids+=($!)
dotnet "$bin/PkiPlatform.TokenService.Host.dll" --data "$data" --urls "https://127.0.0.1:$tsa" \
  --Kestrel:Certificates:Default:Path "$data/ra/portal.p12" --Kestrel:Certificates:Default:Password "$(cat "$data/ra/portal.pass")" \
  --Database:ConnectionString "$(conn token_service)" & pids+=($!)
dotnet "$bin/PkiPlatform.Identity.Host.dll" --data "$data" --port "$idp" --mtls-port "$((idp + 1))" --Identity:Issuer "https://127.0.0.1:$idp/" \
  --Kestrel:Certificates:Default:Path "$data/ra/portal.p12" --Kestrel:Certificates:Default:Password "$(cat "$data/ra/portal.pass")" \
  --Database:ConnectionString "$(conn identity)" & pids+=($!)
echo "zones: CA host (health http://127.0.0.1:9101), RA https://127.0.0.1:$ra, OCSP http://127.0.0.1:$plain, TSA/signing https://127.0.0.1:$tsa, identity https://127.0.0.1:$idp/, KMC https://127.0.0.1:$kmc (mTLS, CA only)"
wait
