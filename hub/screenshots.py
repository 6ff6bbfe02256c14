"""``manage.py screenshots OUTDIR``: every page of the interface, at desktop (1440 px) and
phone (390 px) width, light and dark, into OUTDIR with an index.html that shows them all.

It runs a throw-away hub of its own (``run_hub`` in a temporary data directory, with the
simulated provider), fills it the way a new user would (a chat with a table and code, a
three-way playground run), then visits every page of the side navigation in Chromium.
Needs the dev dependencies (Playwright) and Debian's ``chromium``.
"""

from __future__ import annotations

import html
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx

from hub.benchmarks import free_port

SIZES = {"desktop": (1440, 900), "phone": (390, 844)}
THEMES = ("light", "dark")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
CHAT_PROMPT = (
    "Compare these:\n\n| model | context | price |\n|---|---|---|\n| echo | 8k | $0.50 |\n\n"
    "```python\nprint('hello from the hub')\n```"
)
ROOT = Path(__file__).resolve().parent.parent


def take_screenshots(
    out_dir: Path,
    log: Any = print,
    *,
    sizes: tuple[str, ...] = tuple(SIZES),
    themes: tuple[str, ...] = THEMES,
) -> list[Path]:
    """Every page in ``sizes`` and ``themes`` (all by default); the files written, with
    index.html last."""
    chromium = shutil.which("chromium")
    if chromium is None:
        raise RuntimeError("Chromium is not installed: apt-get install chromium")
    try:
        from playwright.sync_api import sync_playwright  # a dev dependency, loaded when used
    except ImportError:
        raise RuntimeError("Playwright is not installed: run `make install-dev`") from None
    out_dir.mkdir(parents=True, exist_ok=True)
    password = secrets.token_urlsafe(12)
    with tempfile.TemporaryDirectory(prefix="hub-screens-") as data_dir:
        port = free_port()
        hub = _start_hub(Path(data_dir), port, password)
        base = f"http://127.0.0.1:{port}"
        try:
            _wait(f"{base}/healthz", hub)
            log(f"hub running at {base}; taking screenshots…")
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
                shots = [(size, theme) for size in sizes for theme in themes]
                written = _shoot_all(browser, base, password, out_dir, log, shots)
                browser.close()
        finally:
            hub.send_signal(signal.SIGINT)
            hub.wait(timeout=60)
    index = out_dir / "index.html"
    index.write_text(_index_html(written, out_dir), encoding="utf-8")
    return [*written, index]


def _start_hub(data_dir: Path, port: int, password: str) -> subprocess.Popen[bytes]:
    ignored = ("DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE", "CELERY_TASK_ALWAYS_EAGER")
    env = {k: v for k, v in os.environ.items() if k not in ignored}  # a hub as `make run` makes
    env.update(
        HUB_DATA_DIR=str(data_dir), DEBUG="false", HUB_GENERATE_KEYS="true",
        HUB_ADMIN_USERNAME="admin", HUB_ADMIN_PASSWORD=password, HUB_LOCAL_WORKER="false",
        HUB_SIMULATOR_PORT=str(free_port()), LOG_LEVEL="WARNING",
    )  # fmt: skip
    return subprocess.Popen(
        [sys.executable, "manage.py", "run_hub", "--port", str(port)],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True,
    )  # fmt: skip


def _wait(url: str, process: subprocess.Popen[bytes], timeout: float = 180) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("the hub stopped while starting; run `make run` to see why")
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"the hub did not answer {url} within {timeout:.0f} s")


def _shoot_all(
    browser: Any, base: str, password: str, out_dir: Path, log: Any,
    shots: list[tuple[str, str]],
) -> list[Path]:  # fmt: skip
    written: list[Path] = []
    first = True
    opened: list[tuple[str, str]] = []
    for size, theme in shots:
        width, height = SIZES[size]
        context = browser.new_context(
            viewport={"width": width, "height": height}, color_scheme=theme
        )
        page = context.new_page()
        page.set_default_timeout(30_000)
        _log_in(page, base, password)
        if first:
            opened = _fill(page)
            first = False
        folder = out_dir / f"{size}-{theme}"
        folder.mkdir(exist_ok=True)
        for name, path in [*_pages(page, base), *opened]:
            page.goto(base + path, wait_until="load")
            page.wait_for_timeout(500)  # charts, the chat's socket
            target = folder / f"{name}.png"
            page.screenshot(path=str(target), full_page=True)
            written.append(target)
        log(f"  {size} {theme}: {len(list(folder.glob('*.png')))} pages")
        context.close()
    return written


def _log_in(page: Any, base: str, password: str) -> None:
    page.goto(f"{base}/login/")
    page.fill("#id_username", "admin")
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_url("**/w/**")


def _fill(page: Any) -> list[tuple[str, str]]:
    """What a new user does first: a chat, and the same prompt to three models; the pages
    of that chat and that run."""
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(page.url))
    workspace = origin + "/".join(urlsplit(page.url).path.split("/")[:3])  # …/w/<slug>
    page.goto(f"{workspace}/chat/")
    page.fill("#chat-input", CHAT_PROMPT)
    page.click("#chat-send")
    page.wait_for_url("**/chat/*/")
    page.wait_for_selector("#chat-thread .msg-assistant:not(.is-streaming) .msg-meta-text")
    chat = urlsplit(page.url).path
    page.goto(f"{workspace}/playground/")
    page.click("#pg-add-slot")
    page.fill("#pg-prompt", "Name three colours of the sea.")
    page.click("#pg-start")
    page.wait_for_selector("#pg-vote:not([hidden])")
    return [("chat-conversation", chat), ("playground-run", urlsplit(page.url).path)]


def _pages(page: Any, base: str) -> list[tuple[str, str]]:
    """The side navigation's pages, the open chat and the last playground run included."""
    links = page.eval_on_selector_all("nav.sidenav a", "links => links.map(a => a.href)")
    paths = [urlsplit(link).path for link in links]
    named = [(path.rstrip("/").rsplit("/", 1)[-1] or "overview", path) for path in paths]
    slug = paths[0].split("/")[2]
    return [(name if name != slug else "overview", path) for name, path in named]


def _index_html(images: list[Path], out_dir: Path) -> str:
    rows = []
    for folder in sorted({image.parent for image in images}):
        cells = "".join(
            f'<figure><a href="{html.escape(str(i.relative_to(out_dir)))}">'
            f'<img src="{html.escape(str(i.relative_to(out_dir)))}" loading="lazy" alt=""></a>'
            f"<figcaption>{html.escape(i.stem)}</figcaption></figure>"
            for i in sorted(folder.glob("*.png"))
        )
        rows.append(f"<h2>{html.escape(folder.name)}</h2><div class=grid>{cells}</div>")
    style = (
        "body{font:14px system-ui;margin:1rem;background:#f5f6f8}"
        ".grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(220px,1fr));gap:1rem}"
        "figure{margin:0}img{width:100%;height:260px;object-fit:cover;object-position:top;"
        "border:1px solid #ccc;border-radius:6px}"
    )
    return (
        f"<!doctype html><meta charset=utf-8><title>Provider Hub: every page</title>"
        f"<style>{style}</style><h1>Provider Hub: every page</h1>{''.join(rows)}"
    )
