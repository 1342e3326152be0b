"""Provenance: the software version, a UTC time stamp and the SHA-256 of a file, as every stored result
and report records them."""

from __future__ import annotations

import datetime
import hashlib
import os


def software_version() -> str:
    """The installed optolink version ("unknown" when running from an uninstalled source tree)."""
    try:
        from importlib.metadata import version

        return version("optolink")
    except Exception:  # PackageNotFoundError, or a broken metadata directory
        return "unknown"


def utc_now() -> str:
    """The current time, ISO 8601 in UTC to the second."""
    return datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")


def sha256_file(path: str | os.PathLike, chunk: int = 1 << 20) -> str:
    """The SHA-256 hex digest of a file's bytes."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(chunk):
            h.update(block)
    return h.hexdigest()
