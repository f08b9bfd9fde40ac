#!/usr/bin/env bash
# The core benchmarks (issuance on SQLite and PostgreSQL, one CRL of 1,000,000 entries, CMS verification), RUNS times
# each, interleaved over one or more builds of the CLI so that a noisy machine affects them alike:
#   bash ops/scripts/bench-core.sh [RUNS] [PKI_DLL ...]      (default: 3 runs of this tree's Release build)
# Compare with an older commit: git worktree add /tmp/old REV && dotnet build /tmp/old/ops/src/PkiPlatform.Cli -c Release,
# then pass both pki.dll paths. Prints one line per run; take the medians for docs/benchmarks.md.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
runs=${1:-3}; shift || true
builds=("$@")
[ ${#builds[@]} -gt 0 ] || builds=("$root/ops/src/PkiPlatform.Cli/bin/Release/net10.0/pki.dll")
work=$(mktemp -d /tmp/pki-bench-core-XXXXXX)
chmod 755 "$work"; mkdir -p "$work/pg" && chown postgres "$work/pg" 2>/dev/null || true
pg=$(bash "$root/ops/scripts/postgres.sh" start "$work/pg/cluster")
trap 'bash "$root/ops/scripts/postgres.sh" stop "$work/pg/cluster" >/dev/null 2>&1; rm -rf "$work"' EXIT
one() { # label, dll, args...
  local label=$1 dll=$2; shift 2  # uses $build from the loop
  local data; data=$(mktemp -d "$work/data-XXXXXX")
  local out; out=$(dotnet "$dll" bench "$@" --data "$data" 2>&1 | grep -E "/s|s; peak|error" | tail -1 || true)
  printf '%-13s %-8s %s\n' "$label" "$build" "$out"
  rm -rf "$data"
}
for i in "${!builds[@]}"; do echo "build$((i + 1)) = ${builds[$i]} ($(git -C "$(dirname "${builds[$i]}")" rev-parse --short HEAD 2>/dev/null || echo '?'))"; done
for run in $(seq "$runs"); do
  for i in "${!builds[@]}"; do
    dll=${builds[$i]}; build="build$((i + 1))"
    one issue-sqlite "$dll" issue --count 30000 --algorithm ec-p256
    one issue-pg "$dll" issue --count 30000 --algorithm ec-p256 --postgres "$pg"
    one crl "$dll" crl --entries 1000000
    one verify "$dll" verify --count 30000
  done
done
