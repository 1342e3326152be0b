"""Fixtures shared by several test modules (test modules never import each other)."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest


def _chromium() -> str:
    path = "/usr/bin/chromium" if os.path.exists("/usr/bin/chromium") else (
        shutil.which("chromium") or shutil.which("chromium-browser"))
    if path is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is required in CI (.ci/run installs it) but was not found")
        pytest.skip("chromium is not installed (apt-get install chromium)")
    return path


@pytest.fixture
def open_in_chromium(tmp_path):
    """A function loading a page in headless Chromium: ``open_in_chromium(html_path)`` → (serialised DOM,
    console messages)."""
    def run(html_path):
        cmd = [_chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync",
               f"--user-data-dir={tmp_path / 'chromium-profile'}", "--enable-logging=stderr", "--v=0",
               "--dump-dom", html_path.resolve().as_uri()]
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
        assert proc.returncode == 0, proc.stderr[-2000:]
        return proc.stdout, [line for line in proc.stderr.splitlines() if ":CONSOLE" in line]

    return run
