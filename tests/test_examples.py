"""The examples gallery runs as a user runs it (``python examples/NAME.py OUT_DIR``), each script writing its
plot, and what the scripts print is physical."""

from __future__ import annotations

import os
import pathlib
import re
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
EXAMPLES = sorted(p.stem for p in (ROOT / "examples").glob("*.py") if not p.name.startswith("_"))
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def gallery(tmp_path_factory):
    """Run every example at once (separate processes, so the 2-core machine overlaps their start-up); half of
    them get the output folder as an argument, the others through OPTOLINK_EXAMPLES_OUT."""
    out = tmp_path_factory.mktemp("gallery")
    procs = {}
    for i, name in enumerate(EXAMPLES):
        env = {**os.environ, "MPLBACKEND": "Agg"}
        args = [sys.executable, str(ROOT / "examples" / f"{name}.py")]
        if i % 2:
            env["OPTOLINK_EXAMPLES_OUT"] = str(out)
        else:
            args.append(str(out))
        procs[name] = subprocess.Popen(args, cwd=out, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                       text=True)
    runs = {}
    for name, proc in procs.items():
        stdout, stderr = proc.communicate(timeout=300)
        runs[name] = (proc.returncode, stdout, stderr)
    return out, runs


def test_the_gallery_has_the_five_documented_examples():
    assert set(EXAMPLES) >= {"mzm_800zr", "ring_q_vs_gap", "doe_chip", "metro_budget", "sweep_local_cluster"}


@pytest.mark.parametrize("name", EXAMPLES)
def test_example_runs_and_writes_its_plot(gallery, name):
    out, runs = gallery
    code, stdout, stderr = runs[name]
    assert code == 0, stderr[-3000:]
    png = out / f"{name}.png"
    assert png.read_bytes()[:8] == PNG_MAGIC and png.stat().st_size > 10_000, "the plot is missing or empty"
    assert f"wrote {png}" in stdout or str(png) in stdout


def _floats(pattern: str, text: str) -> list[float]:
    return [float(x) for x in re.findall(pattern, text)]


def test_mzm_800zr_meets_the_bandwidth_target(gallery):
    _, runs = gallery
    stdout = runs["mzm_800zr"][1]
    (bw_ghz,) = _floats(r"EO bandwidth = ([\d.]+) GHz", stdout)
    (vpi,) = _floats(r"Vπ = ([\d.]+) V", stdout)
    assert bw_ghz >= 0.5 * 118.2  # 800ZR: ≈118.2 GBd (OIF-800ZR, secondary sources); target 0.5 × baud
    assert 0 < vpi < 100


def test_ring_fsr_scales_inversely_with_radius(gallery):
    """FSR = λ²/(n_g·2πR) (Bogaerts et al., Laser Photonics Rev. 6, 47 (2012), eq. 6): FSR·R is constant,
    up to the λ² of each ring's own resonance near 1.55 µm (a few per cent)."""
    _, runs = gallery
    stdout = runs["ring_q_vs_gap"][1]
    radii = _floats(r"R = ([\d.]+) µm", stdout)
    fsr = _floats(r"FSR ([\d.]+) nm", stdout)
    assert len(radii) == len(fsr) == 3
    products = [r * f for r, f in zip(radii, fsr, strict=True)]
    assert max(products) / min(products) < 1.03
    # n_g = λ²/(FSR·2πR) at 1.55 µm: a silicon rib's group index is ~3.5-4.5
    n_g = 1.55e-6 ** 2 / (fsr[0] * 1e-9 * 2 * 3.141592653589793 * radii[0] * 1e-6)
    assert 3.3 < n_g < 4.8


def test_doe_chip_is_clean_and_complete(gallery):
    out, runs = gallery
    assert "6 devices, 0 violation(s)" in runs["doe_chip"][1]
    assert (out / "doe_chip" / "chip.gds").stat().st_size > 0
    assert (out / "doe_chip" / "chip.manifest.json").is_file()


def test_metro_budget_passes_with_a_positive_margin(gallery):
    stdout = gallery[1]["metro_budget"][1]
    assert ": PASS," in stdout
    (margin,) = _floats(r"margin ([-\d.]+) dB", stdout)
    assert 0 < margin < 10


def test_sweep_on_local_cluster_stores_every_point(gallery):
    out, runs = gallery
    assert "8 points stored" in runs["sweep_local_cluster"][1]
    assert (out / "sweep_local_cluster.h5").is_file()
