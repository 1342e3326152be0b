"""Run every `benchmarks/bench_*.py` and write `benchmarks/results.md`.

Each benchmark module exposes `run() -> list[dict]`; a row has the keys
`benchmark`, `optolink` (a figure with its unit, as text), `peer` (the peer's name and figure, or
"n/a" with the reason), `ratio` (peer time / optolink time, or an accuracy difference) and `notes`.
`python -m benchmarks [NAME ...]` runs only the named modules (e.g. `lasers`).
"""

from __future__ import annotations

import datetime
import importlib
import os
import pathlib
import platform
import sys
import traceback

HERE = pathlib.Path(__file__).resolve().parent
COLUMNS = ("benchmark", "optolink", "peer", "ratio", "notes")


def machine_description() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in pathlib.Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}, {platform.system()}"


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    names = sorted(p.stem for p in HERE.glob("bench_*.py"))
    if argv:
        wanted = {a if a.startswith("bench_") else f"bench_{a}" for a in argv}
        unknown = wanted - set(names)
        if unknown:
            print(f"unknown benchmark(s): {sorted(unknown)}; known: {names}", file=sys.stderr)
            return 2
        names = [n for n in names if n in wanted]
    rows: list[dict] = []
    failed = 0
    for name in names:
        print(f"running {name} ...", flush=True)
        try:
            module = importlib.import_module(f"benchmarks.{name}")
            rows.extend(module.run())
        except Exception as exc:  # a broken benchmark is reported, the others still run
            failed += 1
            traceback.print_exc()
            rows.append({"benchmark": name, "optolink": "error", "peer": "", "ratio": "",
                         "notes": f"{type(exc).__name__}: {exc}"})
    lines = [
        "# optolink benchmarks",
        "",
        f"Run {datetime.datetime.now().isoformat(timespec='seconds')} on {machine_description()}.",
        "",
        "| " + " | ".join(COLUMNS) + " |",
        "|" + "---|" * len(COLUMNS),
    ]
    for row in rows:
        lines.append("| " + " | ".join(str(row.get(c, "")).replace("|", "/") for c in COLUMNS) + " |")
    out = HERE / "results.md"
    tmp = out.with_suffix(".md.tmp")
    tmp.write_text("\n".join(lines) + "\n")
    os.replace(tmp, out)
    print("\n".join(lines))
    print(f"wrote {out}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
