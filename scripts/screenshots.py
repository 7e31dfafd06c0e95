"""Screenshots of the published pages with the demo data, for the docs and reviews.

Run: .venv/bin/python scripts/screenshots.py [--out docs/screenshots]

It loads the demo into a scratch SQLite database, serves it with `manage.py runserver` on
127.0.0.1 at a free port, and saves full-page PNGs at 1280 and 390 px wide of the service
performance page, the agency page, the home page and the oversight home (signed in as the
demo oversight user) with Chromium (/usr/bin/chromium) through Playwright. The server is
stopped and the scratch database removed at the end. A page whose PNG would pass
`LIMIT_BYTES` is taken again at a smaller device scale (0.85, then 0.7), so each stays small
enough to commit. `--database FILE` keeps the loaded demo in FILE to reuse on the next run.
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import Browser, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
WIDTHS = (1280, 390)
PASSWORD = "demo-password-2026"  # noqa: S105 - every demo user's, published in the README
OVERSIGHT = "oversight@omb.example.gov"
# (file name, path); the oversight home is read signed in.
PUBLIC = (
    ("service-performance", "/agencies/fba/services/apply-for-retirement-benefits/performance/"),
    ("agency", "/agencies/fba/"),
    ("home", "/"),
)
OVERSIGHT_PAGES = (("oversight-home", "/staff/oversight/"),)
LIMIT_BYTES = 400 * 1024
SCALES = (1.0, 0.85, 0.7)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _env(database: Path) -> dict[str, str]:
    return {
        **os.environ,
        "DEBUG": "true",
        "DATABASE_URL": f"sqlite:///{database}",
        "PYTHONPATH": str(ROOT),
    }


def _manage(env: dict[str, str], *args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True)


def _wait(url: str, server: subprocess.Popen, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit("the server stopped before it answered")
        try:
            with urllib.request.urlopen(url, timeout=5):  # noqa: S310 - our own local server
                return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"the server did not answer at {url}")


def _shoot(browser: Browser, base: str, pages: tuple, out: Path, state: dict | None) -> list[Path]:
    """Each page at each width, full length, without JavaScript, as `state` is signed in."""
    saved = []
    for width in WIDTHS:
        for name, path in pages:
            target = out / f"{name}-{width}.png"
            for scale in SCALES:
                context = browser.new_context(
                    java_script_enabled=False,
                    viewport={"width": width, "height": 900},
                    device_scale_factor=scale,
                    storage_state=state,
                )
                page = context.new_page()
                response = page.goto(base + path)
                if response is None or response.status != 200:
                    raise SystemExit(f"{path} answered {response.status if response else 'no'}")
                page.screenshot(path=str(target), full_page=True)
                context.close()
                if target.stat().st_size <= LIMIT_BYTES:
                    break
            saved.append(target)
    return saved


def _signed_in(browser: Browser, base: str) -> dict:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(base + "/accounts/login/")
    page.get_by_label("Email address").fill(OVERSIGHT)
    page.get_by_label("Password").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()
    state = context.storage_state()
    context.close()
    return dict(state)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "docs" / "screenshots"))
    parser.add_argument("--database", default="", help="a SQLite file to keep the demo in")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix="cxgov-screenshots-"))
    database = Path(args.database).resolve() if args.database else scratch / "demo.sqlite3"
    env = _env(database)
    if not database.exists():
        _manage(env, "migrate", "--verbosity", "0")
        _manage(env, "load_demo")
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait(base + "/", server)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM)
            saved = _shoot(browser, base, PUBLIC, out, None)
            saved += _shoot(browser, base, OVERSIGHT_PAGES, out, _signed_in(browser, base))
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(scratch, ignore_errors=True)
    for path in saved:
        print(f"{path}: {path.stat().st_size // 1024} KB")


if __name__ == "__main__":
    main()
