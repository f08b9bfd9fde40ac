#!/usr/bin/env bash
# Demo until `pki up` exists: build the CLI, initialise a PKI in ./demo-pki (or $1), issue a staff
# login certificate for a fresh key and show that OpenSSL verifies it against the new root.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
data=$(realpath -m "${1:-demo-pki}")
command -v openssl >/dev/null || { apt-get update -qq && apt-get install -y -qq openssl >/dev/null; }
dotnet build "$root/ops/src/PkiPlatform.Cli" -c Release -v quiet -nologo >/dev/null
pki() { dotnet "$root/ops/src/PkiPlatform.Cli/bin/Release/net10.0/pki.dll" --data "$data" "$@"; }

if [[ ! -f $data/pki.json ]]; then pki init </dev/null; fi
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
openssl ecparam -name prime256v1 -genkey -noout -out "$work/alice.key"
openssl req -new -key "$work/alice.key" -subj "/CN=Alice Zhang/O=HRSS/C=CN" -addext "subjectAltName=email:alice@hrss.example" -out "$work/alice.csr"
pki issue --bypass-ra "demo" --profile staff-auth --csr "$work/alice.csr" --out "$data/alice.pem"
echo
openssl verify -x509_strict -purpose sslclient -CAfile "$data/publish/ca/root.pem" -untrusted "$data/publish/ca/issuing.pem" "$data/alice.pem"
echo
echo "Try: dotnet $root/ops/src/PkiPlatform.Cli/bin/Release/net10.0/pki.dll --data $data list"
echo "     (also: show SERIAL, revoke SERIAL --reason keyCompromise, crl, crl --delta, audit verify, --help)"
