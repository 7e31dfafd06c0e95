#!/usr/bin/env bash
# Check the locked Python dependencies against the public vulnerability database (pip-audit).
#
# Exit 1 when a locked package has a known vulnerability. Exit 3 when the audit could not run:
# the vulnerability database was unreachable, or not one package could be looked up, so a pass
# would be a false assurance. On a machine that has no access to the database, set
# AUDIT_OFFLINE=1 to turn that failure into a loud warning (exit 0); it never hides a
# vulnerability that was found.
# Usage: [AUDIT_OFFLINE=1] scripts/audit_dependencies.sh   (uses uv.lock and .venv/bin/pip-audit)
set -uo pipefail

# The audit could not check anything: fail, unless the machine is declared offline.
not_checked() {
    if [ "${AUDIT_OFFLINE:-0}" = "1" ]; then
        echo "audit: WARNING - AUDIT_OFFLINE=1: $1, so no dependency was checked for known" \
            "vulnerabilities. Run this again with access to pypi.org before a release." >&2
        exit 0
    fi
    echo "audit: FAILED - $1, so no dependency was checked for known vulnerabilities. Run it" \
        "where pypi.org's JSON API is reachable, or set AUDIT_OFFLINE=1 on a machine without" \
        "access to the vulnerability database." >&2
    exit 3
}

root="$(cd "$(dirname "$0")/.." && pwd)"
pip_audit="${PIP_AUDIT:-$root/.venv/bin/pip-audit}"
workdir="$(mktemp -d)"
trap 'rm -rf "$workdir"' EXIT
requirements="$workdir/requirements.txt"

uv="${UV:-$root/.tools/bin/uv}"
[ -x "$uv" ] || uv="$(command -v uv || true)"
if [ -z "$uv" ]; then
    echo "audit: uv is not installed (make installs it in .tools/); cannot read uv.lock" >&2
    exit 2
fi
if [ ! -x "$pip_audit" ]; then
    echo "audit: pip-audit not found at $pip_audit (install the dev dependencies)" >&2
    exit 2
fi

# The exact versions in uv.lock, without the project itself (it is not on PyPI).
if ! (cd "$root" && "$uv" export --frozen --no-hashes --no-emit-project --all-groups \
        --format requirements-txt >"$requirements"); then
    echo "audit: uv export failed; is uv.lock up to date?" >&2
    exit 2
fi

"$pip_audit" -r "$requirements" --disable-pip --no-deps --progress-spinner off \
    >"$workdir/out" 2>"$workdir/err"
status=$?
cat "$workdir/out"

# Packages that apply on this platform (pip-audit drops the others, e.g. Windows-only ones).
total="$("$root/.venv/bin/python" - "$requirements" <<'PY'
import sys
from packaging.requirements import Requirement

lines = [line.strip() for line in open(sys.argv[1]) if "==" in line and not line.startswith("#")]
print(sum(1 for line in lines if Requirement(line).marker is None or Requirement(line).marker.evaluate()))
PY
)"
skipped="$(grep -c 'could not be audited' "$workdir/out" || true)"
if [ "$status" -eq 0 ]; then
    if [ "$skipped" -ge "$total" ]; then
        # Every lookup failed: the index answered but gave no vulnerability data (an offline
        # mirror does this), so a clean result would be a false assurance.
        not_checked "none of the $total locked packages could be looked up in the vulnerability database"
    elif [ "$skipped" -gt 0 ]; then
        echo "audit: no known vulnerabilities in $((total - skipped)) packages;" \
            "WARNING - $skipped could not be looked up (listed above)" >&2
    else
        echo "audit: no known vulnerabilities in $total locked packages"
    fi
    exit 0
fi
# pip-audit exits 1 both for "found vulnerabilities" and for errors; tell them apart.
if grep -qiE "^Found [0-9]+ known vulnerabilit" "$workdir/out" "$workdir/err"; then
    cat "$workdir/err" >&2
    echo "audit: FAILED - vulnerable packages are listed above" >&2
    exit 1
fi
if grep -qiE "connection|resolve|network|timed out|max retries|proxy|ssl|HTTPS|unreachable" \
        "$workdir/err"; then
    tail -n 3 "$workdir/err" >&2
    not_checked "the vulnerability database could not be reached"
fi
cat "$workdir/err" >&2
echo "audit: pip-audit failed for another reason (exit $status); see above" >&2
exit "$status"
