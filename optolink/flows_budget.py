"""``optolink budget``: link budgets from a standard and a span plan, a preset, or a link file; and the demo's
budget section (the three presets, with HTML/Markdown/JSON reports)."""

from __future__ import annotations

import argparse
import pathlib

from .core.serialize import slug

_STANDARD_ONLY = ("spans", "span_km", "channels", "launch_dbm", "nf_db")


def add_parser(subparsers) -> argparse.ArgumentParser:
    """Register ``optolink budget``."""
    p = subparsers.add_parser(
        "budget", help="OSNR/GSNR, power and latency budget of a link, with reports",
        description="Budget of a link given as a standard and a span plan (optolink budget 400ZR --spans 1 "
                    "--span-km 120), a preset (400ZR-DCI-120km, OpenZR+-metro-6x80km, 800ZR-DCI-120km) or a "
                    "YAML/JSON link file (see links/linkfile.py). A link file's chip transceiver (chip_manifest, "
                    "modulator, laser, photodiode, driver) is simulated through the full blind DSP chain, with a "
                    "progress bar, into an HDF5 store (--store; default optolink-cache.h5 beside the link file): a "
                    "second budget on the same devices recomputes nothing. Prints the verdict; --out writes the "
                    "reports.")
    p.add_argument("target", help="a standard (400ZR, 'OpenZR+ 400G', 800ZR), a preset name, or a .yaml/.yml/.json "
                                  "link file")
    p.add_argument("--spans", type=int, default=None, help="with a standard: number of spans (default 1)")
    p.add_argument("--span-km", type=float, default=None, help="with a standard: span length in km (default 80)")
    p.add_argument("--channels", type=int, default=None,
                   help="with a standard: number of channels (default: the C band at the standard's grid)")
    p.add_argument("--launch-dbm", default=None,
                   help="with a standard: launch power per channel in dBm, or 'optimum' (default)")
    p.add_argument("--nf-db", type=float, default=None, help="with a standard: amplifier noise figure (default 5 dB)")
    p.add_argument("--out", type=pathlib.Path, default=None, help="write the reports into this directory")
    p.add_argument("--format", default=None, help="report formats with --out: a comma list of html,md,json "
                                                  "(default: all three)")
    p.add_argument("--strict", action="store_true", help="exit with status 1 when the verdict is FAIL")
    p.add_argument("--nli-model", default=None, choices=("closed_form", "gn", "egn"),
                   help="NLI model of the budget (default: the link file's nli_model, else gn)")
    p.add_argument("--store", type=pathlib.Path, default=None,
                   help="a link file's chip transceiver: the HDF5 store caching its simulation (default: "
                        "optolink-cache.h5 beside the link file)")
    p.set_defaults(func=run_budget)
    return p


def resolve_link(args: argparse.Namespace):
    """The `LinkDescription` the arguments name, and a file stem for its reports."""
    from links.linkfile import PRESETS, link_from_standard, load_link, parse_link, preset
    from links.standards import STANDARDS, get_standard

    target = str(args.target)
    given = [k for k in _STANDARD_ONLY if getattr(args, k, None) is not None]
    path = pathlib.Path(target)
    if path.suffix.lower() in (".yaml", ".yml", ".json") or path.is_file():
        if given:
            raise ValueError(f"--{given[0].replace('_', '-')} applies to a standard, not to a link file")
        link = load_link(path, store=getattr(args, "store", None), progress=True)
        return link, slug(path.stem, default="budget")
    if getattr(args, "store", None) is not None:
        raise ValueError("--store caches a link file's chip transceiver; it applies to a link file")
    try:
        std = get_standard(target)
    except ValueError:
        std = None
    if std is not None:
        spans = 1 if args.spans is None else args.spans
        span_km = 80.0 if args.span_km is None else args.span_km
        if not isinstance(spans, int) or spans < 1 or spans > 1000:
            raise ValueError(f"--spans must be an integer in [1, 1000]; got {spans}")
        if not 0 < span_km <= 1e4:
            raise ValueError(f"--span-km must be in (0, 10000]; got {span_km:g}")
        launch = "optimum" if args.launch_dbm is None else args.launch_dbm
        if launch != "optimum":
            try:
                launch = float(launch)
            except ValueError:
                raise ValueError(f"--launch-dbm must be a number (dBm) or 'optimum'; got {launch!r}") from None
        link = link_from_standard(std.name, spans=spans, span_km=span_km, n_channels=args.channels,
                                  launch_power_dbm=launch, nf_db=5.0 if args.nf_db is None else args.nf_db)
        return link, slug(f"{std.name}-{spans}x{span_km:g}km")
    if target.lower() in (k.lower() for k in PRESETS):
        if given:
            raise ValueError(f"--{given[0].replace('_', '-')} applies to a standard, not to a preset")
        return parse_link(preset(target), source=target), slug(target, default="budget")
    raise ValueError(f"{target!r} is neither a link file (.yaml/.yml/.json), a standard {sorted(STANDARDS)} "
                     f"nor a preset {sorted(PRESETS)}")


def summary_lines(result) -> list[str]:
    """A few lines for the terminal: verdict, headline figures (OSNR with their bandwidth), checks."""
    from links.budget import CoherentBudget

    lines = [f"{result.name}: {result.verdict}"]
    if isinstance(result, CoherentBudget):
        c = result.center
        baud = result.plan.baud_rate / 1e9
        lines.append(f"  centre channel {c.frequency / 1e12:.4f} THz, launch {c.launch_power_dbm:.2f} dBm/ch "
                     f"(optimum {result.optimum_launch_power_dbm:.2f} dBm)")
        lines.append(f"  NLI model: {result.nli_model}")
        lines.append(f"  OSNR (ASE) {c.osnr_ase_db:.2f} dB/12.5 GHz, SNR_NLI {c.snr_nli_db:.2f} dB/{baud:.2f} GHz, "
                     f"GSNR {c.gsnr_db:.2f} dB/{baud:.2f} GHz = {c.gsnr_ref_db:.2f} dB/12.5 GHz")
        if result.transceiver is not None:
            lines.append(f"  required OSNR {result.required_osnr_db:.2f} dB/12.5 GHz, penalties "
                         f"{result.penalties.total_db:.2f} dB, margin {result.worst_margin_db:.2f} dB (worst channel)")
    else:
        lines.append(f"  received {result.received_power_dbm:.2f} dBm, margin {result.margin_db:.2f} dB")
    lat = result.latency
    lines.append(f"  latency {lat.one_way_s * 1e6:.1f} us one way, {lat.round_trip_s * 1e6:.1f} us round trip; "
                 f"{lat.budget_rtt_s * 1e3:g} ms round trip reaches {lat.max_reach / 1e3:.1f} km")
    lines += [f"  [{'pass' if k.passed else 'FAIL'}] {k.name}: {k.detail}" for k in result.checks]
    return lines


def run_budget(args: argparse.Namespace) -> int:
    """Handler of ``optolink budget``: 0 on success (1 with --strict and a FAIL verdict)."""
    from links.linkfile import evaluate
    from links.report import FORMATS, write_report

    if args.format is not None and args.out is None:
        raise ValueError("--format needs --out DIR (the directory to write the reports to)")
    link, stem = resolve_link(args)
    if getattr(args, "nli_model", None) is not None and link.kind == "coherent":
        import dataclasses

        link = dataclasses.replace(link, nli_model=args.nli_model)
    result = evaluate(link)
    if link.chip is not None:
        from .flows_links import chip_summary_line

        print(chip_summary_line(link.chip))
        print(f"  store {link.chip.store}, runs {', '.join(link.chip.runs)}")
    print("\n".join(summary_lines(result)))
    if args.out is not None:
        written = write_report(result, args.out, args.format if args.format is not None else FORMATS, stem=stem)
        print("wrote " + ", ".join(str(w) for w in written))
    return 1 if args.strict and result.verdict == "FAIL" else 0


def demo_section(out_dir: pathlib.Path) -> dict:
    """Budgets of the three presets, reports in ``out_dir/budgets/``; returns their headline figures."""
    from links.linkfile import PRESETS, evaluate, parse_link, preset
    from links.report import write_report

    folder = pathlib.Path(out_dir) / "budgets"
    summary = {}
    for name in PRESETS:
        result = evaluate(parse_link(preset(name), source=name))
        written = write_report(result, folder, stem=slug(name, default="budget"))
        print("\n".join(summary_lines(result)))
        c = result.center
        summary[name] = {
            "verdict": result.verdict,
            "worst_margin_db": result.worst_margin_db,
            "launch_power_dbm": c.launch_power_dbm,
            "optimum_launch_power_dbm": result.optimum_launch_power_dbm,
            "osnr_ase_db_12p5ghz": c.osnr_ase_db,
            "gsnr_db_signal_bandwidth": c.gsnr_db,
            "gsnr_db_12p5ghz": c.gsnr_ref_db,
            "required_osnr_db_12p5ghz": result.required_osnr_db,
            "round_trip_latency_s": result.latency.round_trip_s,
            "files": [str(w) for w in written],
        }
    return summary
