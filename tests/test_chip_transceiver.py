"""ChipTransceiver: devices from a manifest or as objects, the driver as a component, the receiver from the
chip's photodiode, the fingerprint and the analytic estimate."""

import json
import math

import numpy as np
import pytest

from links.chip import ChipTransceiver
from photonics import devices
from photonics.detectors import PinPhotodiode
from photonics.devices import LaserFootprint
from photonics.drivers import Driver
from photonics.manifest import ManifestError, build, write_manifest
from photonics.modulators import MachZehnderModulator


def _entry(name, kind, obj_name, obj):
    objs = {obj_name: obj}
    return {"name": name, "cell": kind, "kind": kind, "position_um": [0.0, 0.0], "ports": [],
            "parameters": devices.parameters(kind, objs), "performance": devices.figures(kind, objs)}


@pytest.fixture(scope="module")
def manifest_path(tmp_path_factory):
    d = tmp_path_factory.mktemp("chip")
    gds = d / "chip.gds"
    gds.write_bytes(b"not a real GDS, only hashed")
    entries = [_entry("mzm_short", "mzm", "modulator", MachZehnderModulator(length=1.5e-3)),
               _entry("mzm_long", "mzm", "modulator", MachZehnderModulator(length=3.0e-3)),
               _entry("laser_a", "laser", "footprint", LaserFootprint()),
               _entry("laser_b", "laser", "footprint", LaserFootprint()),
               _entry("pd_0", "photodetector", "photodiode", PinPhotodiode(area=5e-6 * 8e-6))]
    m = build({"name": "test_chip", "top_cell": "TOP", "gds": "chip.gds"}, entries, gds_path=gds)
    return write_manifest(d / "chip.manifest.json", m)


def test_from_manifest_names_and_provenance(manifest_path):
    c = ChipTransceiver.from_manifest(manifest_path, modulator="mzm_long", laser="laser_a", photodiode="pd_0")
    data = json.loads(manifest_path.read_text())
    assert c.provenance["gds_sha256"] == data["provenance"]["gds_sha256"]
    assert c.provenance["devices"] == {"modulator": "mzm_long", "laser": "laser_a", "photodiode": "pd_0"}
    # the receiver holds the chip's photodiode in its balanced pairs
    rx = c.receiver("400ZR")
    assert rx.photodiode.diode_a.area == pytest.approx(5e-6 * 8e-6)


def test_gds_edited_after_the_manifest_is_detected(tmp_path):
    """The manifest records the GDS's SHA-256 (photonics.manifest.build); a GDS edited afterwards — or gone —
    is reported in the transceiver's provenance, which the verdict and the budget report carry."""
    gds = tmp_path / "chip.gds"
    gds.write_bytes(b"layout bytes")
    m = build({"name": "c", "top_cell": "TOP", "gds": "chip.gds"},
              [_entry("mzm_a", "mzm", "modulator", MachZehnderModulator(length=2e-3))], gds_path=gds)
    path = write_manifest(tmp_path / "chip.manifest.json", m)
    c = ChipTransceiver.from_manifest(path, modulator="mzm_a", laser_power_dbm=16.0)
    assert c.provenance["gds_check"] == "verified"
    gds.write_bytes(b"layout bytes, edited")
    c = ChipTransceiver.from_manifest(path, modulator="mzm_a", laser_power_dbm=16.0)
    assert c.provenance["gds_check"] == "modified"
    assert "the GDS changed after the manifest was written" in c.provenance["gds_check_message"]
    gds.unlink()
    c = ChipTransceiver.from_manifest(path, modulator="mzm_a", laser_power_dbm=16.0)
    assert c.provenance["gds_check"] == "missing"


def test_unknown_and_ambiguous_names_list_candidates(manifest_path):
    with pytest.raises(ManifestError, match=r"candidates.*mzm_short.*mzm_long"):
        ChipTransceiver.from_manifest(manifest_path, modulator="mzm_9", laser="laser_a")
    with pytest.raises(ManifestError, match=r"laser_a.*laser_b"):  # two lasers, none named
        ChipTransceiver.from_manifest(manifest_path, modulator="mzm_long")
    with pytest.raises(ManifestError, match="2 modulators"):
        ChipTransceiver.from_manifest(manifest_path, laser="laser_a")
    with pytest.raises(ValueError, match="laser_a"):
        ChipTransceiver.from_manifest(manifest_path, modulator="mzm_long", laser="laser_z")
    with pytest.raises(ValueError, match="photodetector"):
        ChipTransceiver.from_manifest(manifest_path, modulator="mzm_long", laser="laser_a", photodiode="laser_a")


def test_longer_mzm_more_tx_power_less_bandwidth_at_fixed_swing():
    """At a fixed driver swing, a longer MZM has a lower Vπ (more modulation depth: more transmitted power,
    measured on the simulated field) and a lower EO bandwidth (the MZM's own eo_bandwidth())."""
    from links.signals import dual_pol_frame

    drv = Driver(swing_v=4.0)
    out = {}
    for length in (1.5e-3, 3.0e-3):
        c = ChipTransceiver(MachZehnderModulator(length=length, splitter_imbalance_db=0.05), driver=drv,
                            laser_power_dbm=10.0)
        tx = c.transmitter("400ZR")
        frame = dual_pol_frame(2**12, "16QAM", rng=1, pilot_period=64)
        field = tx.transmit(frame.symbols, 59.84375e9, 2 * 59.84375e9, rng=1)
        out[length] = (float(np.sum(np.mean(np.abs(field) ** 2, axis=-1))), c.mzm.vpi, c.mzm.eo_bandwidth())
    (p_s, vpi_s, bw_s), (p_l, vpi_l, bw_l) = out[1.5e-3], out[3.0e-3]
    assert vpi_l < vpi_s and bw_l < bw_s
    assert p_l > 1.5 * p_s  # sin² of a drive ∝ 1/Vπ: about 4× here, well above the loss of the longer arms


def test_driver_swing_beyond_the_drive_range_is_refused():
    with pytest.raises(ValueError, match="drive range"):
        ChipTransceiver(MachZehnderModulator(length=3e-3), driver=Driver(swing_v=30.0)).transmitter("400ZR")


def test_driver_response_and_noise():
    d = Driver(bandwidth=40e9)
    # 2nd-order Butterworth: |H(B)|² = 1/2, |H(2B)|² = 1/(1 + 16) (definition of the Butterworth magnitude)
    assert abs(d.response(40e9)) ** 2 == pytest.approx(0.5, rel=1e-12)
    assert abs(d.response(80e9)) ** 2 == pytest.approx(1 / 17, rel=1e-12)
    assert d.noise_rms_v(1e9) == pytest.approx(d.noise_density_v_per_sqrt_hz * math.sqrt(1e9))
    with pytest.raises(ValueError, match="swing_v"):
        Driver(swing_v=-1.0)


def test_driver_noise_reaches_the_drives():
    """With a noisy driver the drives differ from the ideal driver's by white noise of the stated density
    (filtered by its response): the difference's variance is density²·(noise bandwidth π/(2√2)·B)."""
    m = MachZehnderModulator(length=3e-3)
    quiet = ChipTransceiver(m, driver=Driver(noise_density_v_per_sqrt_hz=0.0)).transmitter("400ZR")
    noisy = ChipTransceiver(m, driver=Driver(noise_density_v_per_sqrt_hz=1e-7)).transmitter("400ZR")
    from links.signals import dual_pol_frame

    s = dual_pol_frame(2**13, "16QAM", rng=2, pilot_period=None).symbols
    fs = 4 * 59.84375e9
    a = quiet.drives(s, 59.84375e9, fs, rng=3)
    b = noisy.drives(s, 59.84375e9, fs, rng=3)
    # the same seed draws the DAC noise first in both; the driver noise is the only difference
    var = float(np.var(b - a))
    assert var == pytest.approx(1e-14 * math.pi / (2 * math.sqrt(2)) * 45e9, rel=0.05)


def test_fingerprint_and_round_trip(manifest_path):
    c = ChipTransceiver.from_manifest(manifest_path, modulator="mzm_long", laser="laser_a")
    again = ChipTransceiver.from_dict(c.to_dict())
    assert again.fingerprint == c.fingerprint and again.mzm.vpi == pytest.approx(c.mzm.vpi, rel=1e-12)
    other = ChipTransceiver.from_manifest(manifest_path, modulator="mzm_long", laser="laser_a",
                                          driver={"swing_v": 3.0})
    assert other.fingerprint != c.fingerprint
    moved = ChipTransceiver.from_dict(c.to_dict(), provenance={"manifest": "elsewhere"})
    assert moved.fingerprint == c.fingerprint  # provenance is not a device parameter


def test_estimate_is_labelled_and_physical(manifest_path):
    c = ChipTransceiver.from_manifest(manifest_path, modulator="mzm_long", laser="laser_a")
    e4, e8 = c.estimate("400ZR"), c.estimate("800ZR")
    assert e4.source == "estimate"
    assert e8.bandwidth_penalty_db > e4.bandwidth_penalty_db > 0  # a wider signal on the same modulator
    # the ideal receiver's required OSNR (exact Gray-coded BER) is a lower bound
    from links.transceiver import theoretical_required_osnr_db
    assert e4.required_osnr_db > theoretical_required_osnr_db("16QAM", 59.84375e9, 1.22e-2)
