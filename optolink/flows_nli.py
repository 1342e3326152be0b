"""``optolink check-nli``: a WDM split-step run of a link against the GN/EGN prediction (links.nli_check)."""

from __future__ import annotations

import argparse
import pathlib


def add_parser(subparsers) -> argparse.ArgumentParser:
    """Register ``optolink check-nli``."""
    p = subparsers.add_parser(
        "check-nli", help="check the GN/EGN NLI prediction against a WDM split-step simulation",
        description="Propagates several DP-QAM channels over identical spans (Manakov split-step, EDFAs without "
                    "ASE), measures the centre channel's SNR_NLI after ideal CD compensation and removal of the "
                    "average phase rotation, and compares it with the exact GN integral and the EGN model.")
    p.add_argument("--channels", type=int, default=5, help="number of channels, odd (default 5)")
    p.add_argument("--baud-gbd", type=float, default=32.0, help="symbol rate, GBd (default 32)")
    p.add_argument("--spacing-ghz", type=float, default=50.0, help="channel spacing, GHz (default 50)")
    p.add_argument("--spans", type=int, default=5, help="number of identical spans (default 5)")
    p.add_argument("--span-km", type=float, default=80.0, help="span length, km (default 80)")
    p.add_argument("--alpha-db-km", type=float, default=0.2, help="fibre loss, dB/km (default 0.2)")
    p.add_argument("--dispersion", type=float, default=16.7, help="D, ps/(nm·km) (default 16.7)")
    p.add_argument("--gamma", type=float, default=1.3, help="γ, 1/(W·km) (default 1.3)")
    p.add_argument("--launch-dbm", type=float, default=None, help="launch power per channel (default: EGN optimum)")
    p.add_argument("--modulation", default="16QAM", help="QPSK, 16QAM or 64QAM (default 16QAM)")
    p.add_argument("--roll-off", type=float, default=0.1, help="RRC roll-off (default 0.1)")
    p.add_argument("--symbols", type=int, default=4096, help="symbols per record (default 4096)")
    p.add_argument("--seeds", type=int, default=1, help="independent records (default 1)")
    p.add_argument("--step-m", type=float, default=100.0, help="split-step length, m (default 100)")
    p.add_argument("--first-order", action="store_true", help="also evaluate the EGN model by the first-order "
                   "perturbation of the same symbols (as long again as the split-step run)")
    p.add_argument("--json", type=pathlib.Path, default=None, help="write the comparison as JSON to this path")
    p.set_defaults(func=run_check_nli)
    return p


def run_check_nli(args: argparse.Namespace) -> int:
    from links.nli_check import check_nli

    from .core.files import write_json_atomic
    from .core.serialize import jsonable

    r = check_nli(n_channels=args.channels, baud_rate=args.baud_gbd * 1e9, spacing=args.spacing_ghz * 1e9,
                  n_spans=args.spans, span_km=args.span_km, alpha_db_per_km=args.alpha_db_km,
                  dispersion_ps_nm_km=args.dispersion, gamma_per_w_km=args.gamma, launch_power_dbm=args.launch_dbm,
                  modulation=args.modulation, roll_off=args.roll_off, n_symbols=args.symbols, n_seeds=args.seeds,
                  step=args.step_m, first_order=args.first_order)
    print("\n".join(r.lines()))
    if args.json is not None:
        data = jsonable(r)
        data.update(egn_error_db=r.egn_error_db, gn_error_db=r.gn_error_db, first_order_error_db=r.first_order_error_db,
                    snr_bandwidth="signal (baud rate)")
        write_json_atomic(args.json, data)
        print(f"wrote {args.json}")
    return 0
