"""``optolink network``: QoT, transceiver modes, latency circles and compute placement on a network; HTML + JSON.

TOPOLOGY is a GNPy topology JSON (with ``--equipment``), a native YAML/JSON network, or ``example`` (the
built-in synthetic 40-site metro). Writes ``network.html`` (map, circles, path table), ``network.json`` and
``network.h5`` (the HDF5 results store: runs ``paths`` and ``reach``, `links.network.pathstore`). Everything
is computed before anything is written (bad input writes nothing); the files are written together, atomically.
"""

from __future__ import annotations

import argparse
import html
import json
import math
import pathlib
import re
import time


def _duration(text: str) -> float:
    m = re.fullmatch(r"\s*([0-9.eE+-]+)\s*(s|ms|us|µs)?\s*", str(text))
    if not m:
        raise ValueError(f"--budget-rtt must be a duration such as 1ms, 500us or 0.001s; got {text!r}")
    v = float(m.group(1)) * {"s": 1.0, "ms": 1e-3, "us": 1e-6, "µs": 1e-6, None: 1.0}[m.group(2)]
    if not 0 < v < 1:
        raise ValueError(f"--budget-rtt must be in (0, 1) s; got {text!r}")
    return v


def add_parser(subparsers) -> argparse.ArgumentParser:
    p = subparsers.add_parser("network", help="network QoT, 400G/800G modes, 1 ms latency circles, compute placement",
                              description=__doc__)
    p.add_argument("topology", help="GNPy topology JSON, native YAML/JSON network, or 'example'")
    p.add_argument("--equipment", default=None, help="GNPy eqpt_config.json (required with a GNPy topology)")
    g = p.add_mutually_exclusive_group()
    g.add_argument("--compute", default=None, help="comma-separated compute sites")
    g.add_argument("--target-coverage", type=float, default=None, help="find the fewest compute sites covering "
                                                                        "this fraction (default 0.75)")
    p.add_argument("--budget-rtt", default="1ms", help="round-trip latency budget (default 1ms)")
    p.add_argument("--margin-db", type=float, default=1.0, help="margin kept on every transceiver mode (dB)")
    p.add_argument("--no-regeneration", action="store_true", help="no regeneration at intermediate sites")
    p.add_argument("--nli-model", choices=("closed_form", "gn"), default="closed_form",
                   help="NLI of every fibre: the closed GN sum (default, as GNPy) or the exact GN integral (slower; "
                        "more accurate on short spans)")
    p.add_argument("--out", type=pathlib.Path, required=True, help="output directory")
    p.set_defaults(func=run_network)
    return p


def load(topology: str, equipment: str | None):
    from links.network import build_native, example_metro, load_gnpy, load_native

    if topology == "example":
        return build_native(example_metro(40))
    path = pathlib.Path(topology)
    if not path.is_file():
        raise FileNotFoundError(f"topology file not found: {path}")
    if path.suffix.lower() in (".yaml", ".yml"):
        return load_native(path)
    doc = json.loads(path.read_text())
    if "elements" in doc:
        if equipment is None:
            raise ValueError("a GNPy topology needs --equipment EQPT (its eqpt_config.json)")
        return load_gnpy(path, equipment)
    return load_native(path)


def analyse(network, *, compute=None, target=0.75, budget_rtt_s=1e-3, margin_db=1.0, regenerate=True) -> dict:
    """All-pairs paths with modes, reach, coverage and (without ``compute``) the smallest compute set."""
    return analyse_with_table(network, compute=compute, target=target, budget_rtt_s=budget_rtt_s,
                              margin_db=margin_db, regenerate=regenerate)[0]


def analyse_with_table(network, *, compute=None, target=0.75, budget_rtt_s=1e-3, margin_db=1.0,
                       regenerate=True):
    """(`analyse`'s result, the all-pairs `PathTable`, the `Reach`)."""
    from links.network import standard_modes
    from links.network.coverage import coverage, covered_sites, min_compute_set, reach_from_paths
    from links.network.paths import all_pairs

    modes = standard_modes(margin_db)
    t0 = time.perf_counter()
    paths = all_pairs(network, modes)
    reach = reach_from_paths(network, paths, budget_rtt_s, regenerate)
    weights = {s: network.sites[s].weight if s in network.sites else 1.0 for s in reach.sites}
    if compute:
        for c in compute:
            reach.index(c)
        placement = None
        chosen = list(compute)
    else:
        placement = min_compute_set(reach, target, weights)
        chosen = list(placement.compute)
    rows = []
    for j in sorted(range(len(paths)), key=lambda j: (paths.src[j], paths.dst[j])):
        mi = int(paths.mode_index[j])
        m = modes[mi] if mi >= 0 else None
        lat = float(paths.latency_s[j])
        rows.append({"src": network.site_of(paths.src[j]), "dst": network.site_of(paths.dst[j]),
                     "length_km": float(paths.length[j]) / 1e3, "roadm_passes": int(paths.n_roadm[j]),
                     "gsnr_mean_db_signal_bw": float(paths.gsnr_db[j]),
                     "gsnr_worst_db_12p5ghz": float(paths.worst_gsnr_ref_db[j]),
                     "mode": m.name if m else None, "mode_source": m.source if m else None,
                     "rate_gbps": m.rate / 1e9 if m else 0.0, "margin_db": float(paths.margin_db[j]) if m else None,
                     "latency_one_way_us": lat * 1e6, "rtt_us": 2 * lat * 1e6})
    result = {
        "network": network.name, "n_sites": len(reach.sites), "n_elements": len(network.elements),
        "budget_rtt_s": budget_rtt_s, "regeneration": regenerate,
        "nli_model": {"name": network.nli_model,
                      "description": "closed GN sum per fibre (as GNPy; long-span approximation)"
                      if network.nli_model == "closed_form" else "exact GN integral per fibre (links.budget_nli)"},
        "modes": [{"name": m.name, "rate_gbps": m.rate / 1e9, "required_osnr_db_12p5ghz": m.required_osnr_db,
                   "margin_db": m.margin_db, "source": m.source, "reference": m.reference} for m in modes],
        "mode_note": "GSNR of the design spectrum, in 12.5 GHz, carried over to each mode at equal PSD",
        "compute": chosen, "coverage": coverage(reach, chosen, weights), "covered": covered_sites(reach, chosen),
        "placement": None if placement is None else {"method": placement.method, "size": len(placement.compute),
                                                      "lower_bound": placement.lower_bound, "gap": placement.gap,
                                                      "target": target},
        "paths": rows, "warnings": list(network.warnings), "elapsed_s": time.perf_counter() - t0,
    }
    return result, paths, reach


def _svg(network, result) -> str:
    sites = network.sites
    if not sites:
        return ""
    lats = [s.latitude for s in sites.values()]
    lons = [s.longitude for s in sites.values()]
    la0, la1, lo0, lo1 = min(lats), max(lats), min(lons), max(lons)
    w, h, pad = 760, 560, 30
    k_lon = math.cos(math.radians((la0 + la1) / 2))
    sx = (w - 2 * pad) / max((lo1 - lo0) * k_lon, 1e-9)
    sy = (h - 2 * pad) / max(la1 - la0, 1e-9)
    s = min(sx, sy)

    def xy(site):
        return pad + (site.longitude - lo0) * k_lon * s, h - pad - (site.latitude - la0) * s

    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" style="background:#fafafa">']
    seen = set()
    for hop in network.graph.hops:
        a, b = network.site_of(hop.start), network.site_of(hop.end)
        if a == b or (b, a) in seen or a not in sites or b not in sites:
            continue
        seen.add((a, b))
        (x1, y1), (x2, y2) = xy(sites[a]), xy(sites[b])
        out.append(f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" stroke="#999"/>')
    covered = set(result["covered"])
    for name in result["compute"]:  # circle: the one-way fibre reach of the budget (n_g = group index)
        r_km = result["budget_rtt_s"] / 2 * 299792.458 / network.group_index
        x, y = xy(sites[name])
        out.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r_km / 111.2 * s:.1f}" fill="#2a7" fill-opacity="0.08" '
                   'stroke="#2a7" stroke-dasharray="4 3"/>')
    for name, site in sites.items():
        x, y = xy(site)
        color = "#c22" if name in result["compute"] else ("#2a7" if name in covered else "#555")
        out.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{color}"><title>{html.escape(name)}</title>'
                   '</circle>')
    out.append("</svg>")
    return "\n".join(out)


def _fmt(x) -> str:
    return "" if x is None else f"{x:.2f}"


def html_report(network, result) -> str:
    rows = "\n".join(
        f"<tr><td>{html.escape(r['src'])}</td><td>{html.escape(r['dst'])}</td><td>{r['length_km']:.1f}</td>"
        f"<td>{r['roadm_passes']}</td><td>{r['gsnr_worst_db_12p5ghz']:.2f}</td><td>{r['mode'] or '—'}</td>"
        f"<td>{_fmt(r['margin_db'])}</td><td>{r['rtt_us']:.1f}</td></tr>"
        for r in result["paths"])
    pl = result["placement"]
    place = "" if pl is None else (f"<p>Placement: {pl['size']} compute site(s) by {pl['method']} for a "
                                   f"{pl['target']:.0%} target (lower bound {pl['lower_bound']}, gap {pl['gap']}).</p>")
    modes = ", ".join(f"{m['name']} (req. OSNR {m['required_osnr_db_12p5ghz']:g} dB/12.5 GHz + {m['margin_db']:g} dB, "
                      f"{m['source']})" for m in result["modes"])
    return f"""<!doctype html><html><head><meta charset="utf-8"><title>{html.escape(result['network'])}</title>
<style>body{{font-family:sans-serif;margin:2em}}td,th{{padding:2px 8px;text-align:right}}</style></head><body>
<h1>Network {html.escape(result['network'])}</h1>
<p>{result['n_sites']} sites; compute: {', '.join(map(html.escape, result['compute']))}; coverage within
{result['budget_rtt_s'] * 1e3:g} ms round trip: <b>{result['coverage']:.1%}</b> (weighted; regeneration
{'allowed' if result['regeneration'] else 'not allowed'}).</p>{place}
<p>Modes: {html.escape(modes)}. {html.escape(result['mode_note'])}.</p>
{_svg(network, result)}
<h2>Paths</h2><table><tr><th>from</th><th>to</th><th>km</th><th>ROADMs</th><th>worst GSNR dB/12.5 GHz</th>
<th>mode</th><th>margin dB</th><th>RTT µs</th></tr>
{rows}</table></body></html>"""


def store_bytes(network, table, reach, result) -> bytes:
    """The HDF5 results store (`links.network.pathstore`: runs ``paths`` and ``reach``) as bytes, built in a
    temporary directory so that it is written with the other outputs, all or nothing."""
    import tempfile

    from links.network.pathstore import save_paths

    with tempfile.TemporaryDirectory(prefix="optolink-network-") as tmp:
        path = pathlib.Path(tmp) / "network.h5"
        save_paths(path, network, table, reach=reach, compute=result["compute"],
                   attrs={"coverage": result["coverage"], "budget_rtt_s": result["budget_rtt_s"]})
        return path.read_bytes()


def run_network(args: argparse.Namespace) -> int:
    result, written = _run(args)
    print(f"{result['network']}: {result['n_sites']} sites, compute {result['compute']}, coverage "
          f"{result['coverage']:.1%} within {result['budget_rtt_s'] * 1e3:g} ms RTT ({result['elapsed_s']:.1f} s)")
    print("wrote " + ", ".join(str(w) for w in written))
    return 0


def _run(args: argparse.Namespace):
    from optolink.core.files import write_files_atomic
    from optolink.core.serialize import jsonable

    budget = _duration(args.budget_rtt)
    if args.target_coverage is not None and not 0 < args.target_coverage <= 1:
        raise ValueError(f"--target-coverage must be in (0, 1]; got {args.target_coverage}")
    network = load(args.topology, args.equipment)
    if getattr(args, "nli_model", "closed_form") != network.nli_model:
        import dataclasses

        network = dataclasses.replace(network, nli_model=args.nli_model)
    compute = [c.strip() for c in args.compute.split(",") if c.strip()] if args.compute else None
    result, table, reach = analyse_with_table(network, compute=compute, target=args.target_coverage or 0.75,
                                              budget_rtt_s=budget, margin_db=args.margin_db,
                                              regenerate=not args.no_regeneration)
    files = {"network.json": json.dumps(jsonable(result), indent=1).encode(),
             "network.html": html_report(network, result).encode(),
             "network.h5": store_bytes(network, table, reach, result)}
    return result, write_files_atomic(args.out, files)


def demo_section(out_dir: pathlib.Path) -> dict:
    """The built-in 40-site metro: all-pairs QoT with the 400ZR / OpenZR+ / 800ZR modes, 1 ms RTT circles and
    the fewest compute sites covering 75 %; writes ``network/network.{html,json,h5}`` under ``out_dir``."""
    ns = argparse.Namespace(topology="example", equipment=None, compute=None, target_coverage=0.75,
                            budget_rtt="1ms", margin_db=1.0, no_regeneration=False,
                            out=pathlib.Path(out_dir) / "network")
    result, _ = _run(ns)
    modes: dict = {}
    for r in result["paths"]:
        modes[r["mode"] or "none"] = modes.get(r["mode"] or "none", 0) + 1
    print(f"{result['network']}: {len(result['paths'])} paths {modes}; compute {result['compute']} covers "
          f"{result['coverage']:.1%} within {result['budget_rtt_s'] * 1e3:g} ms RTT")
    return {"files": ["network/network.json", "network/network.html", "network/network.h5"],
            "n_paths": len(result["paths"]), "modes": modes, "compute": result["compute"],
            "coverage": result["coverage"]}
