"""`optolink sweep`: run or resume a parameter sweep / Monte Carlo into the HDF5 store.

A sweep file is code: by default only optolink's sweep entry points and functions of modules in the working
directory or the sweep file's directory run (``links.sweep`` explains the policy); ``--allow-any-function``
opts in to any importable function.
"""

from __future__ import annotations

import pathlib


def add_parser(sub) -> None:
    p = sub.add_parser("sweep", help="run (or resume) a sweep defined in a YAML/JSON file into an HDF5 store")
    p.add_argument("file", type=pathlib.Path, help="sweep definition (function, grid, random, n_samples, seed, ...)")
    p.add_argument("--store", type=pathlib.Path, default=pathlib.Path("out/results.h5"),
                   help="HDF5 results store (default: out/results.h5)")
    p.add_argument("--scheduler", default="local",
                   help="'local' (LocalCluster, default), 'sync', or an address such as tcp://host:8786")
    p.add_argument("--workers", type=int, default=None, help="workers of the local cluster (default 2)")
    p.add_argument("--retry-failed", action="store_true", help="recompute the points stored with an error")
    p.add_argument("--allow-any-function", action="store_true",
                   help="run any importable function (default: optolink entry points and modules in the working "
                        "directory or beside the sweep file only; a sweep file is code)")
    p.add_argument("--netcdf", type=pathlib.Path, default=None, metavar="PATH",
                   help="also write the run to a netCDF file (on the sweep's grid, with units; xarray.open_dataset "
                        "reads it)")
    p.add_argument("--lock-timeout", type=float, default=0.0,
                   help="seconds to wait while another writer uses the store (default 0: refuse at once)")
    p.set_defaults(func=run)


def run(args) -> int:
    from links.sweep import load_sweep_file, run_sweep

    if args.workers is not None and args.workers < 1:
        raise ValueError(f"--workers must be >= 1; got {args.workers}")
    if not args.lock_timeout >= 0:
        raise ValueError(f"--lock-timeout must be >= 0 seconds; got {args.lock_timeout}")
    if args.netcdf is not None and (args.netcdf.is_dir() or not args.netcdf.parent.is_dir()):
        raise ValueError(f"--netcdf {args.netcdf}: must be a file path in an existing directory")
    spec = load_sweep_file(args.file, allow_any_function=args.allow_any_function)
    data = run_sweep(spec, args.store, scheduler=args.scheduler, workers=args.workers,
                     retry_failed=args.retry_failed, lock_timeout=args.lock_timeout)
    n_err = int((~data.ok).sum())
    print(f"run {spec.name!r}: {data.n_done} points in {args.store} ({n_err} failed)")
    if args.netcdf is not None:
        data.to_netcdf(args.netcdf)
        print(f"wrote {args.netcdf}")
    for i, e in zip(data.index[~data.ok][:5], [e for e, ok in zip(data.errors, data.ok, strict=True) if not ok][:5],
                    strict=False):
        print(f"  point {i}: {e}")
    return 0
