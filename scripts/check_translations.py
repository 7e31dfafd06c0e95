"""Fail when a catalogue is out of step with the code.

Spanish must be complete: every user-facing string, each translated. Every other language's
catalogue must hold exactly the code's strings (none missing, none beyond the Spanish
catalogue's, no obsolete entries) and pass `msgfmt --check`; its entries outside the public
pages may stay empty (docs/i18n.md, decision 0061).

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
LOCALE = ROOT / "locale"
PO = LOCALE / "es" / "LC_MESSAGES" / "django.po"


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, capture_output=True, text=True)


def other_language_problems(po: Path, fresh: Path) -> list[str]:
    """What is wrong with a catalogue other than the Spanish one: strings of the code it lacks,
    strings it has that neither the code nor the Spanish catalogue has, obsolete entries, and
    what `msgfmt --check` refuses."""
    name = po.relative_to(ROOT)
    problems = []
    # -N: a string is the same string only when it is exactly the same.
    missing = _run("msgcmp", "-N", "--use-untranslated", str(po), str(fresh))
    if missing.returncode != 0:
        problems.append(f"strings in the code that {name} is missing:\n{missing.stderr}")
    # Left over: a string neither the code nor the Spanish catalogue has (the catalogues are
    # copies of the Spanish one's strings, so they keep what it keeps).
    extra = _run("msgcmp", "-N", "--use-untranslated", str(PO), str(po))
    if extra.returncode != 0:
        problems.append(f"strings in {name} that the code does not use:\n{extra.stderr}")
    obsolete = _run("msgattrib", "--only-obsolete", str(po)).stdout
    if obsolete.strip():
        problems.append(f"obsolete entries in {name}:\n{obsolete}")
    checked = _run("msgfmt", "--check", "-o", os.devnull, str(po))
    if checked.returncode != 0:
        problems.append(f"msgfmt --check refuses {name}:\n{checked.stderr}")
    return problems


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
        others = sorted(p for p in LOCALE.glob("*/LC_MESSAGES/django.po") if p != PO)
        for po in others:
            problems += other_language_problems(po, fresh)
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
    if others:
        names = ", ".join(po.parent.parent.name for po in others)
        print(f"Catalogues in step with the code: {names}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
