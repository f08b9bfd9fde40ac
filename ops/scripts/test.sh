#!/usr/bin/env bash
# The whole test suite on a fresh Debian 12 machine with the .NET 10 SDK:
#   installs what it needs with apt-get, starts a throwaway PostgreSQL cluster on 127.0.0.1,
#   runs `dotnet test PkiPlatform.sln` (SoftHSM2 token directories are made by the tests themselves),
#   stops what it started, and ends with one line: "N passed, N failed".
set -uo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$root"

need=()
dpkg -s softhsm2 >/dev/null 2>&1 || need+=(softhsm2)
dpkg -s opensc >/dev/null 2>&1 || need+=(opensc)
dpkg -s libengine-pkcs11-openssl >/dev/null 2>&1 || need+=(libengine-pkcs11-openssl)
command -v openssl >/dev/null || need+=(openssl)
command -v certtool >/dev/null || need+=(gnutls-bin)
command -v vfychain >/dev/null || need+=(libnss3-tools)
command -v curl >/dev/null || need+=(curl)
[[ -x /usr/bin/chromium ]] || need+=(chromium)
dpkg -s fonts-wqy-microhei >/dev/null 2>&1 || need+=(fonts-wqy-microhei)
[[ -x /usr/lib/postgresql/15/bin/initdb ]] || need+=(postgresql)
dpkg -s python3-authlib >/dev/null 2>&1 || need+=(python3-authlib)
dpkg -s python3-requests >/dev/null 2>&1 || need+=(python3-requests)
command -v faketime >/dev/null || need+=(faketime)
command -v npm >/dev/null || need+=(nodejs npm)
if ((${#need[@]})); then
  echo "test.sh: installing ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq "${need[@]}" >/dev/null \
    || { echo "test.sh: apt-get install ${need[*]} failed" >&2; echo "0 passed, 1 failed"; exit 1; }
fi

# node and sm-crypto (npm): the independent SM2 verifier of the interop tests (tests/PkiPlatform.Interop.Tests/node).
if command -v npm >/dev/null && [[ ! -d tests/PkiPlatform.Interop.Tests/node/node_modules/sm-crypto ]]; then
  npm install --prefix tests/PkiPlatform.Interop.Tests/node --no-audit --no-fund --silent >/dev/null 2>&1 \
    || echo "test.sh: npm install sm-crypto failed; the sm-crypto assertions will be skipped" >&2
fi

# zlint (Debian 13 package) from the shared tool, when the shared folder is there.
installer="$root/../shared/tools/install-zlint.sh"
if [[ -z ${ZLINT:-} && -f $installer ]]; then
  ZLINT=$(bash "$installer" /opt/zlint 2>/dev/null | tail -1) || ZLINT=""
fi
if [[ -n ${ZLINT:-} ]]; then export ZLINT; else echo "test.sh: zlint unavailable; zlint assertions will be skipped" >&2; fi

run=$(mktemp -d /tmp/pki-test-run-XXXXXX)
chmod 755 "$run"
cleanup() { bash "$root/ops/scripts/postgres.sh" stop "$run/pg" >/dev/null 2>&1; rm -rf "$run"; }
trap cleanup EXIT
PKI_TEST_POSTGRES=$(bash "$root/ops/scripts/postgres.sh" start "$run/pg") \
  || { echo "test.sh: PostgreSQL did not start" >&2; echo "0 passed, 1 failed"; exit 1; }
export PKI_TEST_POSTGRES
echo "test.sh: PostgreSQL at ${PKI_TEST_POSTGRES%%;Username*}"

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet test PkiPlatform.sln -c Release --logger "trx" --results-directory "$run/results" 2>&1 | tee "$run/test.log"
status=${PIPESTATUS[0]}

passed=0; failed=0
while read -r f p; do passed=$((passed + p)); failed=$((failed + f)); done < <(
  grep -hoE 'Failed: +[0-9]+, Passed: +[0-9]+' "$run/test.log" | sed -E 's/Failed: +([0-9]+), Passed: +([0-9]+)/\1 \2/')
# A build or runner failure that reported no totals still counts as a failure.
if [[ $status -ne 0 && $failed -eq 0 ]]; then failed=1; fi
mkdir -p "$root/artifacts" && cp -r "$run/results" "$root/artifacts/test-results" 2>/dev/null
echo "$passed passed, $failed failed"
[[ $status -eq 0 && $failed -eq 0 ]]
