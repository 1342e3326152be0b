"""Notebook display: values with SI prefixes and units, short reprs of every displayed class (bounded length,
units shown, never raising) and their HTML tables (well-formed), and the complete repr beside them."""

from __future__ import annotations

import ast
import dataclasses
import html.parser
import math
import pathlib

import numpy as np
import pytest

from optolink.core.display import (
    MAX_REPR,
    displayed,
    format_si,
    format_value,
    full_repr,
    html_table,
    short_repr,
    unit_from_name,
)

ROOT = pathlib.Path(__file__).resolve().parents[1]


# ------------------------------------------------------------------------------------------------ formatting
@pytest.mark.parametrize("value, unit, text", [
    # SI prefixes (BIPM, The International System of Units, 9th ed. 2019, table 7)
    (3e-3, "m", "3 mm"), (1.55e-6, "m", "1.55 µm"), (500e-9, "m", "500 nm"), (80e3, "m", "80 km"),
    (3.2773e10, "Hz", "32.8 GHz"), (193.414e12, "Hz", "193 THz"), (45.2e-15, "F", "45.2 fF"),
    (1.5e-11, "A/√Hz", "15 pA/√Hz"), (2.5e-10, "F/m", "250 pF/m"), (0.0, "m", "0 m"), (-2e-3, "V", "-2 mV"),
    (999.96, "V", "1 kV"),  # rounding to 3 digits moves to the next prefix, never "1e3 V"
    # units that take no prefix: dB and dBm, areas and densities
    (-3.5, "dBm", "-3.5 dBm"), (22.61, "dB", "22.6 dB"), (7.5e-17, "m³", "7.5e-17 m³"), (3e23, "m⁻³", "3e23 m⁻³"),
    (12345.0, "", "1.23e4"), (math.inf, "dB", "inf dB"), (1e-30, "m", "1e-30 m"),
])
def test_format_si(value, unit, text):
    assert format_si(value, unit) == text


def test_format_si_digits():
    assert format_si(193.414e12, "Hz", 5) == "193.41 THz"
    assert format_si(1.550663e-6, "m", 6) == "1.55066 µm"


@pytest.mark.parametrize("name, unit", [
    ("launch_power_dbm", "dBm"), ("gsnr_db", "dB"), ("eo_bandwidth_hz", "Hz"), ("vpi_v", "V"),
    ("alpha_db_per_km", "dB/km"), ("dispersion_ps_nm_km", "ps/(nm·km)"), ("gamma_per_w_km", "1/(W·km)"),
    ("responsivity_a_per_w", "A/W"), ("capacitance_f_per_m", "F/m"), ("vpi_l_v_cm", "V·cm"), ("radius_m", "m"),
    ("q_loaded", ""), ("confinement", ""), ("_db", ""),
])
def test_unit_from_name(name, unit):
    assert unit_from_name(name) == unit


def test_format_value_of_arrays_sequences_and_objects():
    assert format_value(np.linspace(12.0, 24.0, 13), "dB") == "12…24 dB (13)"
    assert format_value(np.array([1e-3, 3e-3]), "m") == "1…3 mm (2)"
    assert format_value(np.array([1e-4, 3e-3]), "m") == "100 µm…3 mm (2)"
    assert format_value(np.zeros((2, 5))) == "array(2×5)"
    assert format_value(np.array([2.0]), "V") == "2 V"
    assert format_value(None) == "—" and format_value(True) == "yes" and format_value(7) == "7"
    assert format_value("x" * 100, width=10) == "x" * 9 + "…"


# ------------------------------------------------------------------------------------------------ the decorator
@displayed("L=length:m", "f=bandwidth:Hz", "loss=loss_db:dB", ("twice", lambda d: 2 * d.length, "m"), "bad=broken:V")
@dataclasses.dataclass(frozen=True)
class _Part:
    length: float = 3e-3
    bandwidth: float = 38e9
    loss_db: float = 1.25

    @property
    def broken(self) -> float:
        raise RuntimeError("a figure that cannot be computed")


@dataclasses.dataclass(frozen=True)
class _Plain:
    part: _Part = dataclasses.field(default_factory=_Part)
    names: tuple = ("a", "b")


def test_short_repr_shows_the_declared_items_with_units_and_never_raises():
    p = _Part()
    assert repr(p) == "_Part(L=3 mm, f=38 GHz, loss=1.25 dB, twice=6 mm, bad=?)"
    # a frozen dataclass keeps its fields, equality and hash
    assert p == _Part() and hash(p) == hash(_Part()) and dataclasses.fields(p)[0].name == "length"
    with pytest.raises(dataclasses.FrozenInstanceError):
        p.length = 1.0


def test_a_long_repr_is_cut_at_max_repr_with_an_ellipsis():
    items = [f"x{i}=length:m" for i in range(40)]
    cls = displayed(*items)(dataclasses.make_dataclass("Long", [("length", float, 1.0)], frozen=True))
    text = repr(cls())
    assert len(text) <= MAX_REPR and text.endswith(", …)") and text.startswith("Long(x0=1 m, x1=1 m")


def test_full_repr_is_the_dataclass_repr_whatever_the_nested_short_reprs():
    """``full_repr`` prints every field (the nested short repr does not shorten it) and reads back by eval."""
    plain = _Plain()
    assert full_repr(plain) == ("_Plain(part=_Part(length=0.003, bandwidth=38000000000.0, loss_db=1.25), "
                                "names=('a', 'b'))")
    assert eval(full_repr(plain), {"_Plain": _Plain, "_Part": _Part}) == plain  # noqa: S307 - our own text
    assert repr(plain) == "_Plain(part=_Part(L=3 mm, f=38 GHz, loss=1.25 dB, twice=6 mm, bad=?), names=('a', 'b'))"


def test_full_repr_of_a_device_evaluates_back_to_the_device():
    from photonics.electrodes import CoplanarElectrode
    from photonics.modulators import MachZehnderModulator
    from photonics.phase_shifters import DepletionPhaseShifter
    from photonics.waveguides import RibWaveguide

    mzm = MachZehnderModulator(length=2.5e-3, bias_voltage=1.5)
    ns = {c.__name__: c for c in (MachZehnderModulator, DepletionPhaseShifter, RibWaveguide, CoplanarElectrode)}
    assert eval(full_repr(mzm), ns) == mzm  # noqa: S307 - our own text
    assert len(full_repr(mzm)) > 500 > len(repr(mzm))


class _Tags(html.parser.HTMLParser):
    """Checks that every opened tag is closed in order (the table is well-formed) and collects the text."""

    VOID = {"br", "hr", "img", "meta", "col"}

    def __init__(self):
        super().__init__()
        self.stack, self.text, self.errors, self.tags = [], [], [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag):
        if not self.stack or self.stack.pop() != tag:
            self.errors.append(tag)

    def handle_data(self, data):
        self.text.append(data)


def parse_html(text: str) -> _Tags:
    p = _Tags()
    p.feed(text)
    p.close()
    assert p.errors == [] and p.stack == [], "the HTML is not well-formed"
    return p


def test_html_table_lists_figures_and_parameters_with_units_and_escapes():
    p = parse_html(html_table(_Part()))
    text = " ".join(p.text)
    assert p.tags[0] == "table" and "caption" in p.tags
    assert "3 mm" in text and "38 GHz" in text and "loss_db" in text and "1.25 dB" in text
    esc = displayed("name")(dataclasses.make_dataclass("Esc", [("name", str, "<b>&</b>")], frozen=True))
    assert "<b>" not in html_table(esc()) and "&lt;b&gt;" in html_table(esc())


# ------------------------------------------------------------------------------------------------ every class
def _instances() -> dict:
    """One cheap instance of every displayed class of photonics and links (by class name)."""
    from links.amplifiers import Amplifier
    from links.ber_curve import BerCurve
    from links.budget import coherent_budget
    from links.channel_plan import ChannelPlan
    from links.chip import ChipEstimate
    from links.fiber import Fiber
    from links.imdd.budget import imdd_budget
    from links.imdd.tdecq import EyeDiagram, TdecqResult
    from links.network import build_native, example_metro
    from links.network.paths import all_pairs
    from links.power_budget import UnamplifiedLink, power_budget
    from links.simulate import Constellation, LinkConfig, LinkResult, OsnrSweep
    from links.standards import STANDARDS
    from links.transceiver import Transceiver
    from links.verdict import ChipPerformance
    from links.yields import YieldResult
    from photonics.couplers import CouplingModel
    from photonics.cw_laser import PhaseNoiseLaser
    from photonics.detectors import BalancedPhotodiode, PinPhotodiode, TransimpedanceAmplifier
    from photonics.drivers import Driver
    from photonics.electrodes import CoplanarElectrode, LumpedElectrode
    from photonics.laser_params import LaserParams
    from photonics.lasers import RateEquationLaser
    from photonics.modulators import DualPolIQModulator, IQModulator, MachZehnderModulator
    from photonics.phase_shifters import DepletionPhaseShifter, ThermoOpticPhaseShifter
    from photonics.rings import RingModulator
    from photonics.waveguides import RibWaveguide

    plan = ChannelPlan(8, 59.84375e9, 75e9, 193.4e12, 0.0)
    trx = Transceiver.from_standard("400ZR")
    budget = coherent_budget(plan, [Fiber(80e3, 0.2, 17.0, 1.3)] * 3, Amplifier(16.0, 5.0), transceiver=trx)
    curve = BerCurve((14.0, 16.0, 18.0), (3e-2, 1e-2, 2e-3), label="test")
    link = UnamplifiedLink(tx_power_dbm=0.0, rx_sensitivity_dbm=-12.0, fiber_length=10e3, alpha_db_per_km=0.35)
    result = LinkResult(standard="400ZR", osnr_db=20.0, ber=1e-3, ber_per_polarization=(1e-3, 1e-3), n_errors=10,
                        n_bits=10000, ser=4e-3, evm=0.1, snr_db=16.0, q_db=9.0, gmi=3.8, ngmi=0.95,
                        pre_fec_ber_threshold=1.22e-2, passes=True, cycle_slips=0, frequency_offset_estimate=0.0,
                        ideal=True)
    osnr = np.array([16.0, 18.0, 20.0])
    sweep = OsnrSweep(standard="400ZR", osnr_db=osnr, ber=np.array([2e-2, 8e-3, 2e-3]), gmi=osnr * 0 + 3.5,
                      ngmi=osnr * 0 + 0.9, snr_db=osnr - 4, theoretical_ber=np.array([1e-2, 4e-3, 1e-3]),
                      cycle_slips=osnr * 0, passes=np.array([False, True, True]), pre_fec_ber_threshold=1.22e-2,
                      required_osnr_db=17.5, theoretical_required_osnr_db=17.0, results=(result,) * 3,
                      config=LinkConfig(n_symbols=4096))
    rng = np.random.default_rng(1)
    tx = (rng.choice([-1.0, 1.0], (2, 64)) + 1j * rng.choice([-1.0, 1.0], (2, 64))) / math.sqrt(2)
    estimate = ChipEstimate(tx_power_dbm=-5.0, bandwidth_penalty_db=0.5, required_osnr_db=17.0, sensitivity_dbm=-20.0,
                            transceiver_snr_db=25.0, eo_bandwidth=30e9, drive_swing_vpi=0.5)
    perf = ChipPerformance(standard="400ZR", fingerprint="0" * 16, curve=curve, required_osnr_db=16.5, floor_ber=2e-3,
                           tx_power_dbm=-5.0, sensitivity_dbm=-20.0, estimate=estimate, estimate_difference_db=0.5,
                           warnings=(), cached=False, provenance={}, fail_reasons=(), pre_fec_ber_threshold=1.22e-2)
    net = build_native(example_metro(10, rng=1))
    path = next(iter(all_pairs(net).values()))
    return {
        "RibWaveguide": RibWaveguide(), "DepletionPhaseShifter": DepletionPhaseShifter(),
        "ThermoOpticPhaseShifter": ThermoOpticPhaseShifter(), "MachZehnderModulator": MachZehnderModulator(),
        "IQModulator": IQModulator(), "DualPolIQModulator": DualPolIQModulator(), "RingModulator": RingModulator(),
        "RateEquationLaser": RateEquationLaser(), "LaserParams": LaserParams(), "PhaseNoiseLaser": PhaseNoiseLaser(),
        "PinPhotodiode": PinPhotodiode(), "BalancedPhotodiode": BalancedPhotodiode(),
        "TransimpedanceAmplifier": TransimpedanceAmplifier(), "Driver": Driver(),
        "CoplanarElectrode": CoplanarElectrode(), "LumpedElectrode": LumpedElectrode(),
        "CouplingModel": CouplingModel(),
        "Fiber": Fiber(80e3, 0.2, 17.0, 1.3), "Amplifier": Amplifier(20.0, 5.0), "ChannelPlan": plan,
        "Standard": STANDARDS["800ZR"], "Transceiver": trx, "CoherentBudget": budget, "ChannelFigures": budget.center,
        "LevelDiagram": budget.level, "BerCurve": curve, "UnamplifiedLink": link, "PowerBudget": power_budget(link),
        "LinkResult": result, "OsnrSweep": sweep, "Constellation": Constellation(tx + 0.05, tx, result),
        "ChipPerformance": perf,
        "ImddBudget": imdd_budget("800G-DR8", tx_oma_dbm=0.0, tdecq_db=2.0, length=500.0),
        "TdecqResult": TdecqResult(tdecq_db=2.1, oma_outer=1e-3, average_power=1e-3,
                                   levels=np.array([2, 6, 10, 14]) * 1e-4, sigma_g=1e-5, sigma_ideal=5e-5,
                                   scope_noise=0.0, taps=np.ones(5) / 5, main_tap=2, noise_enhancement=1.1,
                                   crossing_time=0.0, method="802.3cu"),
        "EyeDiagram": EyeDiagram(counts=np.ones((16, 8)), time_ui=np.linspace(0, 2, 8), power=np.linspace(0, 2e-3, 16)),
        "PathResult": path, "Lightpath": path.lightpath,
        "YieldResult": YieldResult("metro", np.array([1.0, -0.5, 2.0, 0.3]), {}, {}, {}),
    }


def _displayed_classes() -> set[str]:
    """Every class of photonics and links whose definition carries the ``displayed`` decorator."""
    out = set()
    for pkg in ("photonics", "links"):
        for f in (ROOT / pkg).rglob("*.py"):
            for node in ast.parse(f.read_text()).body:
                calls = [d for d in getattr(node, "decorator_list", ()) if isinstance(d, ast.Call)]
                if isinstance(node, ast.ClassDef) and any(getattr(d.func, "id", "") == "displayed" for d in calls):
                    out.add(node.name)
    return out


@pytest.fixture(scope="module")
def instances():
    return _instances()


def test_every_displayed_class_is_tested(instances):
    assert _displayed_classes() == set(instances)


@pytest.mark.parametrize("name", sorted(_displayed_classes()))
def test_repr_is_short_names_its_units_and_the_html_parses(instances, name):
    obj = instances[name]
    text = repr(obj)
    assert text == short_repr(obj) and text.startswith(f"{name}(") and text.endswith(")")
    assert len(text) <= MAX_REPR
    assert "?" not in text, f"a figure failed to compute: {text}"
    for item in type(obj)._display_items:  # every shown number carries its unit
        value = item.get(obj)
        if item.unit and isinstance(value, int | float | np.floating | np.ndarray) and f"{item.label}=" in text:
            shown = text.split(f"{item.label}=", 1)[1]
            assert item.unit in shown.split(", ")[0] or shown.startswith("…"), (item.label, text)
    page = parse_html(obj._repr_html_())
    body = " ".join(page.text)
    assert name in body and page.tags.count("tr") >= len(type(obj)._display_items)
