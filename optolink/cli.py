"""The ``optolink`` command line.

Each capability contributes a module in ``optolink/`` exposing ``add_parser(subparsers)`` (registers its
sub-command(s), setting ``func`` on the parser with ``set_defaults(func=...)``) and, optionally,
``demo_section(out_dir) -> dict`` run by ``optolink demo``. The modules are listed in ``COMMAND_MODULES``.
"""

from __future__ import annotations

import argparse
import importlib
import pathlib
import sys

# modules contributing sub-commands (imported lazily: `optolink --help` must stay fast)
COMMAND_MODULES: list[str] = ["flows_chip", "flows_links", "flows_budget", "flows_sweep", "flows_yield",
                              "flows_network", "flows_nli"]


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


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except (ValueError, TypeError, FileNotFoundError) as exc:
        # bad input: a clear message naming the parameter, no traceback
        print(f"optolink {args.command}: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
