"""Results cache of the cross-section solvers: in memory and on disk, keyed by a fingerprint of the inputs.

A key is any tuple of frozen dataclasses (the device or cross-section, the grid settings) and plain values;
its fingerprint is the SHA-256 of its complete repr (``optolink.core.display.full_repr``: every field of every
nested dataclass, whatever short repr the class shows in a notebook) and of ``SCHEMA``, so a different
cross-section, grid or solver version is a different entry. The
values are JSON-able mappings of figures (floats and lists), never solver objects.

On disk: one JSON file per entry under ``$OPTOLINK_CACHE/solvers`` (default ``~/.cache/optolink/solvers``),
written atomically (``optolink.core.files.write_json_atomic``), so concurrent builds never read a partial
file; an unreadable or foreign file is ignored and recomputed. The directory is safe to delete at any time.
``OPTOLINK_CACHE=off`` keeps the cache in memory only.
"""

from __future__ import annotations

import hashlib
import json
import os
import pathlib
from collections.abc import Callable

from optolink.core.display import full_repr
from optolink.core.files import write_json_atomic
from optolink.core.serialize import jsonable

SCHEMA = "optolink-solvers-3"  # bump when a solver's numbers change for the same inputs
_MEMORY: dict[str, dict] = {}


def cache_directory() -> pathlib.Path | None:
    """Where entries are written (None: the on-disk cache is off)."""
    root = os.environ.get("OPTOLINK_CACHE")
    if root is not None and root.strip().lower() in ("", "off", "0", "none"):
        return None
    base = pathlib.Path(root).expanduser() if root else pathlib.Path.home() / ".cache" / "optolink"
    return base / "solvers"


def fingerprint(key: tuple) -> str:
    """Hex SHA-256 of the key's complete repr and the cache schema (the short reprs of ``@displayed`` classes
    leave fields out and evaluate figures: never a key)."""
    return hashlib.sha256(f"{SCHEMA}|{full_repr(tuple(key))}".encode()).hexdigest()


def cached(kind: str, key: tuple, compute: Callable[[], dict]) -> dict:
    """``compute()`` once per (kind, key): from memory, else from disk, else computed and stored in both."""
    fp = fingerprint((kind,) + tuple(key))
    hit = _MEMORY.get(fp)
    if hit is not None:
        return dict(hit)
    directory = cache_directory()
    path = None if directory is None else directory / f"{kind}-{fp[:32]}.json"
    if path is not None and path.is_file():
        try:
            entry = json.loads(path.read_text())
            if entry.get("fingerprint") == fp:
                _MEMORY[fp] = entry["value"]
                return dict(entry["value"])
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            pass  # a partial, foreign or damaged entry: recompute and overwrite it
    value = jsonable(compute())
    _MEMORY[fp] = value
    if path is not None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            write_json_atomic(path, {"fingerprint": fp, "kind": kind, "key": full_repr(tuple(key)), "value": value})
        except OSError:
            pass  # a read-only home: the memory cache still holds it
    return dict(value)


def clear_memory() -> None:
    """Forget the in-memory entries (the disk entries stay)."""
    _MEMORY.clear()
