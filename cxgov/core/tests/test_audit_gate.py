"""The dependency audit fails the release gate when it could not check anything, unless the
machine is declared offline with AUDIT_OFFLINE=1; a vulnerability found always fails it."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
SCRIPT = ROOT / "scripts" / "audit_dependencies.sh"

pytestmark = pytest.mark.skipif(
    not (ROOT / ".tools" / "bin" / "uv").exists() and shutil.which("uv") is None,
    reason="uv is needed to read uv.lock (make setup installs it)",
)


def _run(tmp_path: Path, *, stdout: str, stderr: str = "", status: int = 0, offline: bool):
    """Run the audit with a stand-in pip-audit that answers `stdout`, `stderr` and `status`."""
    (tmp_path / "out").write_text(stdout)
    (tmp_path / "err").write_text(stderr)
    fake = tmp_path / "pip-audit"
    fake.write_text(f'#!/bin/sh\ncat "{tmp_path}/out"\ncat "{tmp_path}/err" >&2\nexit {status}\n')
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    env = {**os.environ, "PIP_AUDIT": str(fake)}
    env.pop("AUDIT_OFFLINE", None)
    if offline:
        env["AUDIT_OFFLINE"] = "1"
    return subprocess.run(  # noqa: S603 - our own script
        [str(SCRIPT)], capture_output=True, text=True, env=env, timeout=120, check=False
    )


NOTHING_FOUND = "".join(
    f"pkg{n}  Dependency not found on PyPI and could not be audited: pkg{n} (1.0)\n"
    for n in range(1000)
)
UNREACHABLE = "requests.exceptions.ConnectionError: Max retries exceeded with url: /pypi/x/json\n"


def test_audit_that_looked_nothing_up_fails_the_gate(tmp_path):
    result = _run(tmp_path, stdout=NOTHING_FOUND, offline=False)
    assert result.returncode == 3
    assert "FAILED" in result.stderr
    assert "AUDIT_OFFLINE=1" in result.stderr


def test_unreachable_vulnerability_database_fails_the_gate(tmp_path):
    result = _run(tmp_path, stdout="", stderr=UNREACHABLE, status=1, offline=False)
    assert result.returncode == 3
    assert "could not be reached" in result.stderr


@pytest.mark.parametrize(
    ("stdout", "stderr", "status"), [(NOTHING_FOUND, "", 0), ("", UNREACHABLE, 1)]
)
def test_offline_switch_turns_it_into_a_loud_warning(tmp_path, stdout, stderr, status):
    result = _run(tmp_path, stdout=stdout, stderr=stderr, status=status, offline=True)
    assert result.returncode == 0
    assert "WARNING - AUDIT_OFFLINE=1" in result.stderr
    assert "no dependency was checked" in result.stderr


def test_a_known_vulnerability_fails_even_offline(tmp_path):
    found = "Found 1 known vulnerability in 1 package\nName Version ID Fix\ndjango 5.0 X 5.1\n"
    result = _run(tmp_path, stdout=found, status=1, offline=True)
    assert result.returncode == 1
    assert "vulnerable packages are listed above" in result.stderr


def test_clean_audit_passes(tmp_path):
    result = _run(tmp_path, stdout="No known vulnerabilities found\n", offline=False)
    assert result.returncode == 0
    assert "no known vulnerabilities in" in result.stdout
