"""Fail when the Spanish catalogue misses a user-facing string or leaves one untranslated.

Runs makemessages in a scratch copy of the project, so the working tree is never changed,
then compares with gettext's own tools.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "locale" / "es" / "LC_MESSAGES" / "django.po"


def main() -> int:
    with tempfile.TemporaryDirectory() as scratch:
        # makemessages writes into every locale/ folder it finds beside the sources, so it runs
        # on a scratch copy of the project: the real catalogue is never touched.
        copy = Path(scratch) / "project"
        for name in ("cxgov", "config", "templates", "locale"):
            shutil.copytree(ROOT / name, copy / name, ignore=shutil.ignore_patterns("__pycache__"))
        shutil.copy2(ROOT / "manage.py", copy / "manage.py")
        fresh_locale = copy / "locale"
        env = {**os.environ, "DEBUG": "true"}
        env.pop("CXGOV_LOCALE_DIR", None)
        subprocess.run(
            [
                sys.executable,
                "manage.py",
                "makemessages",
                "--locale",
                "es",
                "--no-location",
                "-v",
                "0",
            ],
            cwd=copy,
            env=env,
            check=True,
        )
        fresh = fresh_locale / "es" / "LC_MESSAGES" / "django.po"
        missing = subprocess.run(
            ["msgcmp", "--use-untranslated", str(PO), str(fresh)],
            capture_output=True,
            text=True,
        )
    problems = []
    if missing.returncode != 0:
        problems.append("strings in the code that locale/es is missing:\n" + missing.stderr)
    for flag, label in (("--untranslated", "untranslated"), ("--only-fuzzy", "fuzzy")):
        out = subprocess.run(
            ["msgattrib", flag, "--no-obsolete", str(PO)], capture_output=True, text=True
        ).stdout
        entries = [line for line in out.splitlines() if line.startswith("msgid ")]
        if len(entries) > 1:  # the header entry is always listed
            problems.append(f"{label} entries in locale/es:\n{out}")
    if problems:
        print("Translations are not complete; run `make messages` and translate:", file=sys.stderr)
        print("\n".join(problems), file=sys.stderr)
        return 1
    print("Spanish catalogue is complete.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
