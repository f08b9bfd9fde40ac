#!/usr/bin/env bash
# Run the platform: build the CLI and start `pki up` on ./.pki (or $PKI_DATA). The first run
# initialises the PKI and says where everything is.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
dotnet build "$root/ops/src/PkiPlatform.Cli" -c Release -v quiet -nologo >/dev/null
exec dotnet "$root/ops/src/PkiPlatform.Cli/bin/Release/net10.0/pki.dll" up "$@"
