"""Link description files (links.linkfile): presets, YAML/JSON loading, validation naming the field at fault."""

import copy
import json

import numpy as np
import pytest

from links.budget import CoherentBudget
from links.linkfile import FIBERS, PRESETS, evaluate, link_from_standard, load_link, parse_link, preset
from links.metrics import snr_from_osnr, theoretical_ber
from links.power_budget import PowerBudget


def test_presets_evaluate():
    assert set(PRESETS) == {"400ZR-DCI-120km", "OpenZR+-metro-6x80km", "800ZR-DCI-120km"}
    for name in PRESETS:
        r = evaluate(parse_link(preset(name), source=name))
        assert isinstance(r, CoherentBudget) and r.verdict in ("PASS", "FAIL")
        # "launch_power_dbm: optimum" runs at the optimum, rounded to 0.1 dB
        assert r.center.launch_power_dbm == pytest.approx(r.optimum_launch_power_dbm, abs=0.051)
    metro = evaluate(parse_link(preset("openzr+-metro-6x80km")))
    assert metro.n_spans == 6 and metro.length == pytest.approx(480e3)
    assert metro.transceiver.required_osnr_db == 24.0 and metro.plan.roll_off == 0.2
    assert metro.penalties.total_db == pytest.approx(1.5)


def test_preset_is_a_copy_and_unknown_preset():
    p = preset("400ZR-DCI-120km")
    p["spans"][0]["length_km"] = 1
    assert PRESETS["400ZR-DCI-120km"]["spans"][0]["length_km"] == 120
    with pytest.raises(ValueError, match="unknown preset"):
        preset("nope")


def test_yaml_and_json_files_agree(tmp_path):
    yaml = pytest.importorskip("yaml")
    data = preset("OpenZR+-metro-6x80km")
    (tmp_path / "metro.yaml").write_text(yaml.safe_dump(data))
    (tmp_path / "metro.json").write_text(json.dumps(data))
    a = evaluate(load_link(tmp_path / "metro.yaml"))
    b = evaluate(load_link(tmp_path / "metro.json"))
    assert a.gsnr_db == pytest.approx(b.gsnr_db, abs=0)
    assert load_link(tmp_path / "metro.yaml").source == "metro.yaml"


def test_a_hand_written_yaml_link(tmp_path):
    pytest.importorskip("yaml")
    (tmp_path / "link.yaml").write_text(
        "name: lab link\n"
        "standard: 800ZR\n"
        "channels: {n_channels: 8, launch_power_dbm: [0, 0, 1, 1, 1, 1, 0, 0]}\n"
        "fibers:\n  ull: {alpha_db_per_km: 0.16, dispersion_ps_nm_km: 20.5, gamma_per_w_km: 0.8}\n"
        "spans:\n  - {length_km: 100, fiber: ull}\n  - {length_km: 90, fiber: SMF-28, extra_loss_db: 0.5}\n"
        "amplifiers:\n  - {nf_db: 5.0}\n  - {nf_db: 6.0, gain_db: 19}\n"
        "penalties: {pdl_db: 0.3, other: {filtering_db: 0.2}}\n"
        "latency_budget_rtt_ms: 1.0\n")
    link = load_link(tmp_path / "link.yaml")
    assert link.spans[0].alpha_db_per_km == 0.16 and link.spans[1].extra_loss_db == 0.5
    assert link.amplifiers[1].gain_db == 19.0 and link.amplifiers[0].gain_db is None
    assert link.plan.spacing == 150e9 and link.plan.launch_powers_dbm[2] == 1.0
    assert link.penalties.other == (("filtering", 0.2),)
    r = evaluate(link)
    assert [k.name for k in r.checks][-1] == "latency"
    assert r.amplifier_gains_db == pytest.approx([16.0, 19.0])


def test_ber_curve_file_sets_the_required_osnr(tmp_path):
    # a transceiver measured 1 dB worse than the ideal receiver: required OSNR = ideal + 1 dB
    baud = 59.84375e9
    osnr = np.arange(15.0, 28.0, 0.25)
    curve = {"osnr_db": osnr.tolist(), "ber": theoretical_ber("16QAM", snr_from_osnr(osnr - 1.0, baud)).tolist()}
    (tmp_path / "curves").mkdir()
    (tmp_path / "curves" / "trx.json").write_text(json.dumps(curve))
    data = preset("400ZR-DCI-120km")
    data["transceiver"] = {"ber_curve_file": "curves/trx.json", "snr_db": 35}
    (tmp_path / "link.json").write_text(json.dumps(data))
    link = load_link(tmp_path / "link.json")
    assert link.transceiver.implementation_penalty_db == pytest.approx(1.0, abs=0.02)
    assert link.transceiver.snr_db == 35.0
    inline = copy.deepcopy(data)
    inline["transceiver"] = {"ber_curve": curve}
    assert parse_link(inline).transceiver.required_osnr_db == pytest.approx(link.transceiver.required_osnr_db)


def test_link_from_standard():
    link = link_from_standard("400ZR", spans=1, span_km=120)
    assert link.plan.n_channels == 64 and link.plan.spacing == 75e9  # C band, 400ZR's first grid
    assert link.booster is not None and link.transceiver.tx_power_dbm == -10.0
    assert link.spans[0].length == 120e3 and link.spans[0].gamma_per_w_km == FIBERS["SMF-28"]["gamma_per_w_km"]
    r = evaluate(link)
    assert r.center.accumulated_cd_ps_nm == pytest.approx(120 * 17.0, rel=0.02)
    assert evaluate(link_from_standard("800ZR", spans=2, span_km=80, n_channels=4, launch_power_dbm=1.0)).plan \
        .launch_powers_dbm.tolist() == [1.0] * 4


def test_power_link():
    data = {"kind": "power", "name": "campus", "standard": "400ZR", "tx_power_dbm": -8,
            "rx_sensitivity_dbm": -22, "rx_overload_dbm": 0, "fiber": {"length_km": 40},
            "losses": [{"name": "connector", "loss_db": 0.5, "count": 4}, {"name": "splice", "loss_db": 0.1, "count": 8,
                                                                          "position_km": 20}],
            "penalties": {"ageing_db": 1.0}}
    r = evaluate(parse_link(data))
    assert isinstance(r, PowerBudget)
    assert r.received_power_dbm == pytest.approx(-8 - 40 * 0.2 - 2.0 - 0.8)
    assert r.margin_db == pytest.approx(r.received_power_dbm - 1.0 + 22)
    assert r.latency.dsp_s == 5e-6


def _bad(mutate):
    data = preset("OpenZR+-metro-6x80km")
    mutate(data)
    return data


@pytest.mark.parametrize("mutate,match", [
    (lambda d: d.pop("spans"), r"spans is missing"),
    (lambda d: d["spans"].append({"length_km": -80}), r"spans\[1\]\.length_km must be in \(0, 10000\]; got -80"),
    (lambda d: d["spans"][0].pop("length_km"), r"spans\[0\]\.length_km is missing"),
    (lambda d: d["spans"][0].update(lenght_km=80), r"unknown field 'spans\[0\]\.lenght_km'"),
    (lambda d: d["spans"][0].update(fiber="unobtainium"), r"spans\[0\]\.fiber: unknown fibre 'unobtainium'"),
    (lambda d: d["spans"][0].update(count=0), r"spans\[0\]\.count must be in \[1, 1000\]"),
    (lambda d: d["spans"][0].update(alpha_db_per_km="low"), r"spans\[0\]\.alpha_db_per_km must be a number"),
    (lambda d: d.update(standard="1.6ZR"), r"standard: unknown standard '1.6ZR'"),
    (lambda d: d.pop("standard"), r"standard is missing"),
    (lambda d: d.update(amplifier={"gain_db": 10, "nf_db": 5}),
     r"spans\[0\] loss 16.50 dB exceeds amplifier\[0\] gain_db 10 dB: the amplifier cannot compensate it"),
    (lambda d: d.update(amplifier={"nf_db": 5, "max_gain_db": 12}), r"spans\[0\].*exceeds the amplifier's max_gain_db"),
    (lambda d: d.update(amplifier={"gain_db": "auto"}), r"amplifier\.nf_db is missing"),
    (lambda d: d["channels"].update(n_channels=-3), r"channels\.n_channels must be in \[1, 2000\]"),
    (lambda d: d["channels"].update(spacing_ghz=50), r"channels: spacing must be >= "),
    (lambda d: d["channels"].update(launch_power_dbm="max"), r"channels\.launch_power_dbm must be a number"),
    (lambda d: d["channels"].update(baud_gbd=32), r"channels\.baud_gbd .* must match"),
    (lambda d: d["penalties"].update(pdl_db=-1), r"penalties\.pdl_db must be in \[0, 20\]; got -1"),
    (lambda d: d.update(booster={"nf_db": 5}), r"booster: needs transceiver\.tx_power_dbm"),
    (lambda d: d.update(transceiver={"required_osnr_db": 99}), r"transceiver\.required_osnr_db must be in"),
    (lambda d: d.update(kind="passive"), r"kind must be 'coherent' or 'power'"),
    (lambda d: d.update(amplifiers=[{"nf_db": 5}]), r"either amplifier .* or amplifiers"),
])
def test_errors_name_the_field(mutate, match):
    with pytest.raises(ValueError, match=match):
        evaluate(parse_link(_bad(mutate)))


def test_file_errors(tmp_path):
    with pytest.raises(FileNotFoundError):
        load_link(tmp_path / "missing.yaml")
    (tmp_path / "x.txt").write_text("{}")
    with pytest.raises(ValueError, match=r"\.yaml, \.yml or \.json"):
        load_link(tmp_path / "x.txt")
    (tmp_path / "bad.json").write_text("{not json")
    with pytest.raises(ValueError, match="not valid JSON"):
        load_link(tmp_path / "bad.json")
    (tmp_path / "list.json").write_text("[1, 2]")
    with pytest.raises(ValueError, match="mapping at the top level"):
        load_link(tmp_path / "list.json")
    data = preset("400ZR-DCI-120km")
    data["transceiver"] = {"ber_curve_file": "nope.json"}
    (tmp_path / "l.json").write_text(json.dumps(data))
    with pytest.raises(FileNotFoundError, match="nope.json"):
        load_link(tmp_path / "l.json")


def test_chip_transceiver_fields_are_validated_before_any_simulation(tmp_path):
    # a chip transceiver's settings: errors name the field (no device is built, nothing is simulated)
    (tmp_path / "chip.manifest.json").write_text(json.dumps({"schema": "optolink.chip-manifest/2", "devices": []}))
    data = preset("400ZR-DCI-120km")
    cases = [
        ({"modulator": "mzm_00"}, "needs transceiver.chip_manifest"),
        ({"chip_manifest": "chip.manifest.json", "modulator": "m", "tx_power_dbm": -8}, "tx_power_dbm or chip"),
        ({"chip_manifest": "chip.manifest.json", "modulator": "m", "required_osnr_db": 20}, "required_osnr_db or"),
        ({"chip_manifest": "chip.manifest.json", "laser": "l", "laser_power_dbm": 15}, "laser .* or laser_power_dbm"),
        ({"chip_manifest": "chip.manifest.json", "driver": {"swing": 4}}, r"transceiver.driver.'swing'"),
        ({"chip_manifest": "chip.manifest.json", "driver": {"swing_v": -1}}, r"driver.swing_v must be in"),
        ({"chip_manifest": "chip.manifest.json", "driver": {"differential": "yes"}}, "true or false"),
        ({"chip_manifest": "chip.manifest.json", "simulation": {"method": "fast"}}, "'full' or 'estimate'"),
        ({"chip_manifest": "chip.manifest.json", "simulation": {"n_symbols": 10}}, "n_symbols must be in"),
    ]
    for trx, match in cases:
        data["transceiver"] = trx
        with pytest.raises(ValueError, match=match):
            parse_link(data, base_dir=tmp_path)
    data["transceiver"] = {"chip_manifest": "missing.json", "modulator": "m"}
    with pytest.raises(FileNotFoundError, match="chip_manifest"):
        parse_link(data, base_dir=tmp_path)
    # an unamplified link takes a chip transceiver instead of its two powers, not both
    power = {"kind": "power", "standard": "400ZR", "tx_power_dbm": 0, "fiber": {"length_km": 2},
             "transceiver": {"chip_manifest": "chip.manifest.json", "modulator": "m"}}
    with pytest.raises(ValueError, match="tx_power_dbm or a chip transceiver"):
        parse_link(power, base_dir=tmp_path)


def test_driver_mapping_engineering_units():
    from links.linkfile_chip import driver_from_mapping
    from photonics.drivers import Driver

    d = driver_from_mapping({"swing_v": 3.0, "bandwidth_ghz": 50, "differential": False, "output_impedance_ohm": 40})
    assert (d.swing_v, d.bandwidth, d.differential, d.output_impedance) == (3.0, 50e9, False, 40.0)
    assert driver_from_mapping(None) == Driver()
    with pytest.raises(ValueError, match="second time"):
        driver_from_mapping({"bandwidth_ghz": 50, "bandwidth": 50e9})
