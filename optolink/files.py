"""Atomic file writes: a result file is either complete or absent, never half-written."""

from __future__ import annotations

import json
import math
import os
import pathlib
import tempfile


def write_bytes_atomic(path: str | os.PathLike, data: bytes) -> pathlib.Path:
    """Write ``data`` to ``path`` through a temporary file in the same directory and ``os.replace``."""
    path = pathlib.Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        # mkstemp creates 0600; give the file the mode a plain open() would (0666 less the umask)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return path


def write_text_atomic(path: str | os.PathLike, text: str) -> pathlib.Path:
    return write_bytes_atomic(path, text.encode("utf-8"))


def _jsonable(obj):
    """Floats that JSON cannot hold (inf, nan) become strings; numpy scalars become Python numbers."""
    if isinstance(obj, dict):
        return {str(k): _jsonable(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_jsonable(v) for v in obj]
    if hasattr(obj, "tolist"):
        return _jsonable(obj.tolist())
    if isinstance(obj, float) and not math.isfinite(obj):
        return str(obj)
    return obj


def write_json_atomic(path: str | os.PathLike, obj) -> pathlib.Path:
    """Write ``obj`` as indented JSON, atomically; inf/nan are written as the strings "inf"/"nan"."""
    return write_text_atomic(path, json.dumps(_jsonable(obj), indent=2, sort_keys=False) + "\n")


def save_figure_atomic(fig, path: str | os.PathLike, dpi: int = 120) -> pathlib.Path:
    """Save a matplotlib figure atomically (PNG)."""
    import io

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, bbox_inches="tight")
    return write_bytes_atomic(path, buf.getvalue())
