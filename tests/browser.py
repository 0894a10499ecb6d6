"""Helpers for the app's browser and API tests: run the app in a subprocess on a free 127.0.0.1 port against
a given store, and drive Debian's /usr/bin/chromium headless through Playwright (nothing is downloaded)."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "tests" / "artifacts"  # git-ignored
SCREENSHOTS = ROOT / "docs" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
# the local LLM is assembled under the real home; the app runs with a tmp HOME, so point it there
MODEL_DIR = os.environ.get("NIANBAO_MODEL_DIR") or str(Path.home() / ".cache" / "nianbao")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class AppServer:
    """`python -m assistant serve` in a subprocess; `url` once the first page is served."""

    def __init__(self, store: Path, home: Path, extra_args: list[str] | None = None, env: dict | None = None):
        self.store, self.home = Path(store), Path(home)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        self.args = extra_args or []
        self.env = env or {}
        self.proc: subprocess.Popen | None = None
        self.log_path = self.home / "app.log"

    def start(self, timeout: float = 120.0) -> "AppServer":
        self.home.mkdir(parents=True, exist_ok=True)
        env = {**os.environ, "HOME": str(self.home), "XDG_CACHE_HOME": str(self.home / ".cache"),
               "ASSISTANT_STORE": str(self.store), "NO_PROXY": "127.0.0.1,localhost",
               "GRADIO_TEMP_DIR": str(self.home / "gradio"), "NIANBAO_MODEL_DIR": MODEL_DIR, **self.env}
        self._log = open(self.log_path, "w")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "assistant", "serve", "--port", str(self.port), "--store", str(self.store),
             *self.args], cwd=str(ROOT), env=env, stdout=self._log, stderr=subprocess.STDOUT)
        t0 = time.time()
        while time.time() - t0 < timeout:
            if self.proc.poll() is not None:
                raise RuntimeError(f"app exited with {self.proc.returncode}:\n{self.log()}")
            try:
                with urllib.request.urlopen(self.url, timeout=2) as r:
                    if r.status == 200:
                        self.started_in = time.time() - t0
                        return self
            except OSError:
                time.sleep(0.3)
        self.stop()
        raise RuntimeError(f"app did not serve {self.url} within {timeout}s:\n{self.log()}")

    def log(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-4000:]
        except OSError:
            return ""

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        if getattr(self, "_log", None):
            self._log.close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


@contextmanager
def chromium_page(width: int = 1400, height: int = 900):
    """A Playwright page in headless Debian Chromium, clipboard permissions granted."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            ctx = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN")
            try:
                ctx.grant_permissions(["clipboard-read", "clipboard-write"])
            except Exception:
                pass
            page = ctx.new_page()
            page.set_default_timeout(60_000)
            yield page
        finally:
            browser.close()


def shot(page, name: str, publish: bool = False) -> Path:
    """Screenshot to tests/artifacts/<name>.png; with NIANBAO_UPDATE_SCREENSHOTS=1 and publish, also to
    docs/screenshots/ (the README shows those)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    out = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(out), full_page=False)
    if publish and os.environ.get("NIANBAO_UPDATE_SCREENSHOTS") == "1":
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        from PIL import Image  # a 256-colour palette keeps the committed pictures small

        Image.open(out).convert("RGB").quantize(256).save(SCREENSHOTS / f"{name}.png", optimize=True)
    return out
