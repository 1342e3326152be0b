"""Files: atomic writes (a result file is either complete or absent, never half-written) and the one
reader of YAML/JSON input files (link, DOE and sweep files)."""

from __future__ import annotations

import json
import os
import pathlib
import re
import shutil
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager

from .serialize import jsonable


def _umask() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return umask


@contextmanager
def atomic_path(path: str | os.PathLike, suffix: str = ".tmp") -> Iterator[pathlib.Path]:
    """A temporary path beside ``path``; when the block ends without error the file there is given the
    mode a plain ``open()`` would (0666 less the umask) and moved onto ``path`` with ``os.replace``.
    On an error the temporary file is removed and ``path`` is untouched."""
    path = pathlib.Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=suffix, dir=path.parent)
    os.close(fd)
    try:
        yield pathlib.Path(tmp)
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp creates 0600
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def write_bytes_atomic(path: str | os.PathLike, data: bytes) -> pathlib.Path:
    """Write ``data`` to ``path`` through a temporary file in the same directory and ``os.replace``."""
    path = pathlib.Path(path)
    with atomic_path(path) as tmp, open(tmp, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    return path


def write_files_atomic(directory: str | os.PathLike, files: Mapping[str, bytes]) -> list[pathlib.Path]:
    """Write a set of files into ``directory``: all staged in a temporary folder inside it first, then each
    moved in place (an error while staging leaves none of them). Returns the paths, in order."""
    out = pathlib.Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    stage = pathlib.Path(tempfile.mkdtemp(prefix=".stage.", suffix=".tmp", dir=out))
    try:
        mode = 0o666 & ~_umask()
        for name, blob in files.items():
            with open(stage / name, "wb") as fh:
                fh.write(blob)
                fh.flush()
                os.fsync(fh.fileno())
            os.chmod(stage / name, mode)
        written = []
        for name in files:
            os.replace(stage / name, out / name)
            written.append(out / name)
        return written
    finally:
        shutil.rmtree(stage, ignore_errors=True)


def write_text_atomic(path: str | os.PathLike, text: str) -> pathlib.Path:
    return write_bytes_atomic(path, text.encode("utf-8"))


def write_json_atomic(path: str | os.PathLike, obj) -> pathlib.Path:
    """Write ``obj`` as indented JSON, atomically; inf/nan are written as the strings "inf"/"nan"."""
    return write_text_atomic(path, json.dumps(jsonable(obj), indent=2, sort_keys=False) + "\n")


def save_figure_atomic(fig, path: str | os.PathLike, dpi: int = 120) -> pathlib.Path:
    """Save a matplotlib figure atomically (PNG)."""
    import io

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, bbox_inches="tight")
    return write_bytes_atomic(path, buf.getvalue())


def _yaml_loader():
    """PyYAML's SafeLoader with YAML 1.2 floats: ``1e-9`` and ``3.0e8`` are numbers, not strings
    (YAML 1.1, which PyYAML follows, requires a dot and a signed exponent)."""
    import yaml

    class Loader(yaml.SafeLoader):
        pass

    Loader.add_implicit_resolver(
        "tag:yaml.org,2002:float",
        re.compile(r"""^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+]?[0-9]+)?
            |[-+]?(?:[0-9][0-9_]*)(?:[eE][-+]?[0-9]+)
            |\.[0-9_]+(?:[eE][-+][0-9]+)?
            |[-+]?\.(?:inf|Inf|INF)
            |\.(?:nan|NaN|NAN))$""", re.X),
        list("-+0123456789."))
    return Loader


def read_mapping(path: str | os.PathLike, what: str = "file") -> dict:
    """Read a ``.yaml``/``.yml`` or ``.json`` file holding a mapping. Nothing in it runs as code (safe
    YAML). ``what`` names the file in errors ("link file", "DOE file", ...): ``FileNotFoundError`` for a
    missing file, ``ValueError`` for a bad suffix, bad syntax or a top level that is not a mapping."""
    p = pathlib.Path(path)
    if not p.is_file():
        raise FileNotFoundError(f"{what} not found: {p}")
    suffix = p.suffix.lower()
    if suffix not in (".yaml", ".yml", ".json"):
        raise ValueError(f"{p}: a {what} must end in .yaml, .yml or .json; got {p.name!r}")
    try:
        text = p.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise ValueError(f"{p}: a {what} must be UTF-8 text ({exc.reason})") from None
    if suffix == ".json":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ValueError(f"{p} is not valid JSON: {exc}") from None
    else:
        import yaml

        try:
            data = yaml.load(text, Loader=_yaml_loader())  # noqa: S506 - a SafeLoader subclass
        except yaml.YAMLError as exc:
            raise ValueError(f"{p} is not valid YAML: {exc}") from None
    if not isinstance(data, dict):
        raise ValueError(f"{p}: a {what} must hold a mapping at the top level; got {type(data).__name__}")
    return data
