"""Peer reference for the mode solver: femwell (finite elements, scikit-fem + gmsh) on the 500 × 220 nm
oxide-clad silicon strip at 1550 nm, TE0 n_eff and n_g, with femwell's own convergence in window and mesh.

Runs in a separate environment (femwell pulls gmsh, VTK and CadQuery; `make peers-solvers` builds
`.venv-peers` and runs this), so it imports nothing from the project: the material indices come on the command
line as JSON {"wavelengths": [λ−, λ0, λ+] (m), "n_si": [...], "n_sio2": [...]} (the project's Li 1980 and
Malitson 1965 models, evaluated by the make target), and the result is written as JSON to the given path.
n_g = n_eff − λ·dn_eff/dλ from λ0 and λ+ (material dispersion included).

    .venv/bin/python benchmarks/peer_femwell_strip.py --indices INDICES_JSON      (project environment)
    .venv-peers/bin/python benchmarks/peer_femwell_strip.py INDICES_JSON OUT_JSON  (peer environment)
"""

from __future__ import annotations

import json
import sys
import time
from collections import OrderedDict
from importlib.metadata import version


def solve(n_si, n_sio2, wavelength_um, core_resolution_um, half_window_um, order=2):
    import numpy as np
    from femwell.maxwell.waveguide import compute_modes
    from femwell.mesh import mesh_from_OrderedDict
    from shapely.geometry import box
    from skfem import Basis, ElementTriP0
    from skfem.io.meshio import from_meshio

    core = box(-0.25, 0.0, 0.25, 0.22)
    clad = box(-half_window_um, -half_window_um + 0.11, half_window_um, half_window_um + 0.11)
    polygons = OrderedDict(core=core, clad=clad)
    resolutions = {"core": {"resolution": core_resolution_um, "distance": 0.3}}
    mesh = from_meshio(mesh_from_OrderedDict(polygons, resolutions, default_resolution_max=0.15))
    basis0 = Basis(mesh, ElementTriP0())
    eps = basis0.zeros()
    for name, n in (("core", n_si), ("clad", n_sio2)):
        eps[basis0.get_dofs(elements=name)] = n**2
    modes = compute_modes(basis0, eps, wavelength=wavelength_um, num_modes=2, order=order)
    te = [m for m in modes if m.te_fraction > 0.5]
    return float(np.real(te[0].n_eff)), mesh.t.shape[1]


PLAN = ((0.02, 1.5), (0.02, 2.0), (0.01, 1.5), (0.01, 2.0), (0.005, 1.5))  # (core mesh µm, half window µm)


def run(indices: dict, out_path: str | None = None) -> dict:
    """Each planned (mesh, window): n_eff at λ0 and n_g = n − λ·(n(λ+) − n(λ0))/(λ+ − λ0) (forward difference,
    δλ/λ = 1e-4: its truncation error is ~1e-6 in n_g). Writes the result after every row when given a path."""
    wl = [w * 1e6 for w in indices["wavelengths"]]
    result = {"peer": "femwell", "version": version("femwell"), "scikit_fem": version("scikit-fem"),
              "gmsh": version("gmsh"),
              "elements": "second-order Nedelec x Lagrange (femwell compute_modes, order=2)",
              "structure": "500 x 220 nm Si strip, SiO2 cladding all round, TE0, 1550 nm",
              "boundary": "natural (magnetic-wall) boundary of a square window centred on the core",
              "indices": indices, "rows": []}
    for res, half_window in PLAN:
        t0 = time.perf_counter()
        ns = []
        for k in (1, 2):
            n, triangles = solve(indices["n_si"][k], indices["n_sio2"][k], wl[k], res, half_window)
            ns.append(n)
        seconds = time.perf_counter() - t0
        dn_dl = (ns[1] - ns[0]) / (wl[2] - wl[1])
        result["rows"].append({"core_mesh_nm": res * 1e3, "window_um": 2 * half_window, "neff": ns[0],
                               "ng": ns[0] - wl[1] * dn_dl, "triangles": triangles,
                               "seconds_per_solve": seconds / 2})
        print(result["rows"][-1], flush=True)
        if out_path:
            _write(result, out_path)
    return result


def _write(result, path):
    import os

    with open(path + ".tmp", "w") as f:
        json.dump(result, f, indent=1)
    os.replace(path + ".tmp", path)


def write_indices(path):
    """Run with the project's environment: the material indices at λ0(1 − 1e-4), λ0, λ0(1 + 1e-4)."""
    sys.path.insert(0, str(__import__("pathlib").Path(__file__).resolve().parent.parent))
    from photonics.materials import silica_index, silicon_index

    wl = [1.55e-6 * (1 - 1e-4), 1.55e-6, 1.55e-6 * (1 + 1e-4)]
    _write({"wavelengths": wl, "n_si": [float(silicon_index(w, 300.0)) for w in wl],
            "n_sio2": [float(silica_index(w)) for w in wl]}, path)


if __name__ == "__main__":
    if sys.argv[1] == "--indices":
        write_indices(sys.argv[2])
    else:
        run(json.loads(open(sys.argv[1]).read()), sys.argv[2])
