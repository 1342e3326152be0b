"""The ``optolink`` command line."""

from __future__ import annotations

import argparse
import pathlib
import sys


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="optolink", description="Optoelectronic chip and link design toolkit.")
    sub = p.add_subparsers(dest="command", required=True)
    d = sub.add_parser("demo", help="run every capability on built-in defaults and write the results")
    d.add_argument("--out", default="out", type=pathlib.Path, help="output directory (default: out/)")
    dev = sub.add_parser("devices", help="print the default devices' figures (no files written)")
    dev.add_argument("--json", action="store_true", help="print JSON instead of a table")
    return p


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    from . import flows

    if args.command == "demo":
        return flows.demo(args.out)
    if args.command == "devices":
        figures = flows.device_figures()
        if args.json:
            import json

            from .files import _jsonable

            print(json.dumps(_jsonable(figures), indent=2))
        else:
            print(flows.format_device_table(figures))
        return 0
    return 2  # pragma: no cover - argparse rejects unknown commands


if __name__ == "__main__":
    sys.exit(main())
