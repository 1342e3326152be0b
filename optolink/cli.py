"""The ``optolink`` command line.

Each capability contributes a module in ``optolink/`` exposing ``add_parser(subparsers)`` (registers its
sub-command(s), setting ``func`` on the parser with ``set_defaults(func=...)``) and, optionally,
``demo_section(out_dir) -> dict`` run by ``optolink demo``. The modules are listed in ``COMMAND_MODULES``.

Exit codes: 0 success (or PASS), 1 FAIL (a verdict, e.g. ``budget --strict``), 2 bad input or environment
(one line on stderr naming the path or field, no traceback), 130 interrupted (Ctrl-C), 70 an internal error
(a bug). ``--debug`` (anywhere on the line) adds the traceback. Output paths (``--out`` directories,
``--store``/``--json`` files and the files a command writes into ``--out``) are checked before any work starts.
"""

from __future__ import annotations

import argparse
import importlib
import os
import pathlib
import sys
import traceback

from .core.progress import progress_default
from .core.provenance import software_version

# modules contributing sub-commands (imported lazily: `optolink --help` must stay fast)
COMMAND_MODULES: list[str] = ["flows_chip", "flows_links", "flows_budget", "flows_sweep", "flows_yield",
                              "flows_network", "flows_nli", "flows_imdd"]

EXIT_OK, EXIT_FAIL, EXIT_USAGE, EXIT_INTERNAL, EXIT_INTERRUPTED = 0, 1, 2, 70, 130
# arguments naming an output directory / an output file, checked before a command runs
OUTPUT_DIR_ARGS: tuple[str, ...] = ("out",)
OUTPUT_FILE_ARGS: tuple[str, ...] = ("store", "json")
# files a command writes into its --out directory (each must not be a directory)
FILES_IN_OUT: dict[str, tuple[str, ...]] = {
    "chip": ("chip.gds", "chip.manifest.json", "chip.h5", "chip.csv", "checks.lyrdb", "chip.png", "chip.lyp"),
}


def _demo(args) -> int:
    from . import flows

    return flows.demo(args.out)


def _devices(args) -> int:
    from . import flows

    figures = flows.device_figures()
    if args.json:
        import json

        from .core.serialize import jsonable

        print(json.dumps(jsonable(figures), indent=2))
    else:
        print(flows.format_device_table(figures))
    return 0


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="optolink", description="Optoelectronic chip and link design toolkit.")
    p.add_argument("--debug", action="store_true", help="show the traceback of an error (anywhere on the line)")
    p.add_argument("--version", action="version", version=f"optolink {software_version()}")
    sub = p.add_subparsers(dest="command", required=True)
    d = sub.add_parser("demo", help="run every capability on built-in defaults and write the results")
    d.add_argument("--out", default="out", type=pathlib.Path, help="output directory (default: out/)")
    d.set_defaults(func=_demo)
    dev = sub.add_parser("devices", help="print the default devices' figures (no files written)")
    dev.add_argument("--json", action="store_true", help="print JSON instead of a table")
    dev.set_defaults(func=_devices)
    for name in COMMAND_MODULES:
        importlib.import_module(f"optolink.{name}").add_parser(sub)
    return p


def _writable(path: pathlib.Path) -> bool:
    """Writable and marked writable (a directory or file without write bits is read-only, also for root)."""
    return bool(path.stat().st_mode & 0o222) and os.access(path, os.W_OK | os.X_OK * path.is_dir())


def _check_creatable(flag: str, path: pathlib.Path) -> None:
    """``path`` does not exist yet: its nearest existing ancestor must be a writable directory."""
    anc = path.parent
    while not anc.exists() and anc != anc.parent:
        anc = anc.parent
    if not anc.is_dir():
        raise NotADirectoryError(f"{flag} {path}: {anc} is a file, not a directory")
    if not _writable(anc):
        raise PermissionError(f"{flag} {path}: cannot write into {anc} (read-only)")


def check_output_paths(args: argparse.Namespace) -> None:
    """Refuse unusable output paths before any work (OSError naming the path and the flag)."""
    for name in OUTPUT_DIR_ARGS:
        value = getattr(args, name, None)
        if value is None:
            continue
        path, flag = pathlib.Path(value), f"--{name}"
        if path.exists():
            if not path.is_dir():
                raise NotADirectoryError(f"{flag} {path} is a file, not a directory")
            if not _writable(path):
                raise PermissionError(f"{flag} {path}: the directory is read-only")
            for fname in FILES_IN_OUT.get(args.command, ()):
                target = path / fname
                if target.is_dir():
                    raise IsADirectoryError(f"{flag} {path}: {target} is a directory; it must be a file (or absent)")
                if target.exists() and not _writable(target):
                    raise PermissionError(f"{flag} {path}: {target} is read-only")
        else:
            _check_creatable(flag, path / "x")
    for name in OUTPUT_FILE_ARGS:
        value = getattr(args, name, None)
        if value is None or not isinstance(value, str | os.PathLike):
            continue
        path, flag = pathlib.Path(value), f"--{name}"
        if path.is_dir():
            raise IsADirectoryError(f"{flag} {path} is a directory, not a file")
        if path.exists() and not _writable(path):
            raise PermissionError(f"{flag} {path} is read-only")
        _check_creatable(flag, path)


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in argv
    argv = [a for a in argv if a != "--debug"]
    args = _parser().parse_args(argv)  # bad usage: argparse prints it and exits with 2
    try:
        check_output_paths(args)
        with progress_default(True):  # long jobs show a progress bar when stderr is a terminal
            return int(args.func(args) or 0)
    except KeyboardInterrupt as exc:
        _report(args, str(exc) or "interrupted", debug)
        return EXIT_INTERRUPTED
    except (ValueError, TypeError, OSError, MemoryError) as exc:
        # bad input or environment: one line naming the parameter or path, no traceback (unless --debug)
        _report(args, f"error: {exc}" if str(exc) else f"error: {type(exc).__name__}", debug)
        return EXIT_USAGE
    except Exception as exc:  # a bug: say so in one line; --debug shows where
        _report(args, f"internal error: {type(exc).__name__}: {exc} (re-run with --debug for the traceback)", debug)
        return EXIT_INTERNAL


def _report(args, message: str, debug: bool) -> None:
    if debug:
        traceback.print_exc()
    print(f"optolink {args.command}: {message}", file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
