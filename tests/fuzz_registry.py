"""The registry of the public-API fuzz suite (``tests/test_fuzz_api.py``): what is exempt and why, where NaN is
the documented answer, the findings still open, and the valid arguments each target starts from."""

from __future__ import annotations

import dataclasses
import importlib

import numpy as np

# --- what is not fuzzed here, and why ---------------------------------------------------------------------------
_FILES = "reads or writes files (its faults are tested with real files in the tests of that format)"
_DRAWS = "draws gdsfactory geometry (seconds per call); its parameter objects are fuzzed as constructors"
_RECORD = "a result record built by the code from computed values (no user input reaches it directly)"
_PROCESS = "starts processes or a Dask cluster / runs a whole sweep (fuzzed through its spec; faults tested apart)"
_SLOW = "a whole simulation or fit taking seconds per call; its inputs are fuzzed through their constructors"
_INTERNAL = "a helper of the package's own code, given only values the package built and checked"
_STATE = "changes global state (a cache, the active PDK)"
_MANIFEST = "needs a chip manifest written by layouts (its chip-transceiver path is tested end to end)"
_LAYERS = "needs a gdsfactory PDK or a layer-map file (tested with real PDKs and files in the layer-map tests)"
_PLOTS = "draws a matplotlib figure (or writes it to a file); the values it plots are fuzzed through their sources"
_ENGINE = "an internal step of a compiled or vectorised engine, given only arrays and state the engine built"

EXEMPT_MODULES = {
    "layouts.cells": _DRAWS, "layouts.chip": _DRAWS, "layouts.regression": _DRAWS, "layouts.render": _DRAWS,
    "layouts.checks": _DRAWS, "layouts.geometry": _DRAWS, "layouts.readback": _FILES, "layouts.manifest": _FILES,
    "links.network.gnpy_io": _FILES, "links.storefile": _FILES, "links.store": _FILES,
    "links.report": _FILES, "links.report_document": _RECORD, "links.report_html": _RECORD,
    "links.report_markdown": _RECORD, "links.report_schema": _FILES,
    "links.plots": _PLOTS, "photonics.plots": _PLOTS, "photonics.solver_plots": _PLOTS,
    "photonics.solver_figures": _SLOW, "photonics.modes.operators": _ENGINE, "links.gn_grid": _ENGINE,
    "links.network.distributed": _PROCESS, "links.network.tree": _ENGINE, "links.budget_kernel": _ENGINE,
}
EXEMPT = {
    # files
    "photonics.manifest.read_manifest": _FILES, "photonics.manifest.write_manifest": _FILES,
    "photonics.manifest.load_schema": _FILES, "photonics.manifest.load": _FILES,
    "photonics.sparameters.write_touchstone": _FILES, "photonics.sparameters.read_touchstone": _FILES,
    "links.linkfile.load_link": _FILES, "links.network.native.load_native": _FILES,
    "links.store_xarray.write_netcdf": _FILES, "links.sweep.load_sweep_file": _FILES,
    "links.verdict.default_store_path": _FILES, "layouts.doe.load_doe": _FILES,
"layouts.layer_map.write_lyp": _FILES,
    # processes, sweeps, global state
    "links.sweep.run_sweep": _PROCESS,
    "links.sweep.dask_client": _PROCESS, "links.sweep.run_point": _PROCESS, "links.yields.run_yield": _PROCESS,
    "links.sweep_function.add_to_path": _STATE, "photonics.modes.solver.clear_cache": _STATE,
    "layouts.use_pdk": _STATE,
    # whole simulations
    "links.nli_check.check_nli": _SLOW, "links.simulate.simulate_link": _SLOW, "links.simulate.ber_vs_osnr": _SLOW,
    "links.simulate.simulate_constellation": _SLOW, "links.surrogate.die_simulation": _SLOW,
    "links.surrogate.simulate_die": _SLOW, "links.surrogate.fit_surrogate": _SLOW,
    "links.verdict.simulate_chip": _SLOW, "links.verdict.chip_point": _SLOW, "links.yields.die_margin": _SLOW,
    "photonics.carriers.solve_carriers": _SLOW, "photonics.cross_section_solvers.phase_shifter_junction": _SLOW,
    "photonics.cross_section_solvers.phase_shifter_index": _SLOW,
    "photonics.cross_section_solvers.junction_figures": _SLOW,
    "photonics.cross_section_solvers.coupling_coefficient": _SLOW,
    "photonics.cross_section_solvers.waveguide_figures": _SLOW,
    "photonics.cross_section_solvers.bent_waveguide_figures": _SLOW,
    "photonics.cross_section_solvers.phase_shifter_tables": _SLOW,
    "photonics.cross_section_solvers.thermo_optic_figures": _SLOW,
    "photonics.cross_section_solvers.coupled_supermode_indices": _SLOW, "photonics.coupler_table.kappa_table": _SLOW,
    "photonics.modes.solver.solve_modes": _SLOW, "photonics.modes.solver.fundamental": _SLOW,
    "photonics.modes.solver.make_grid": _INTERNAL,
    "photonics.modes.geometry.cell_permittivity": _INTERNAL, "photonics.modes.geometry.component_permittivity":
        _INTERNAL, "photonics.modes.geometry.axis_cells": _INTERNAL,
    # records
    "photonics.carriers.CarrierSolution": _RECORD, "photonics.laser_simulation.LaserTrace": _RECORD,
    "photonics.lasers.SteadyState": _RECORD, "photonics.lasers.LICurve": _RECORD,
    "photonics.lasers.SmallSignal": _RECORD, "photonics.manifest.Provenance": _RECORD,
    "photonics.manifest.Device": _RECORD, "photonics.manifest.Manifest": _RECORD,
    "photonics.modes.solver.Mode": _RECORD, "photonics.modes.geometry.YeeGrid": _RECORD,
    "photonics.ring_dynamics.RingSimulation": _RECORD, "photonics.waveguides.SlabMode": _RECORD,
    "photonics.waveguides.RibMode": _RECORD, "photonics.devices.Kind": _RECORD,
    "photonics.materials.PlasmaFit": _RECORD,
    "links.budget.ChannelFigures": _RECORD, "links.budget.CoherentBudget": _RECORD,
    "links.budget_lines.LevelDiagram": _RECORD, "links.budget_lines.Check": _RECORD,
    "links.chip.ChipEstimate": _RECORD, "links.chip.TransmitterFigures": _RECORD,
    "links.dsp.chain.DspOutput": _RECORD, "links.dsp.sync.Alignment": _RECORD, "links.gn.FibreParameters": _RECORD,
    "links.imdd.budget.ImddBudget": _RECORD, "links.imdd.tdecq.TdecqResult": _RECORD,
    "links.imdd.tdecq.EyeDiagram": _RECORD, "links.latency.Latency": _RECORD,
    "links.linkfile.LinkDescription": _RECORD, "links.network.coverage.Reach": _RECORD,
    "links.network.coverage.Placement": _RECORD, "links.network.engine.Lightpath": _RECORD,
    "links.network.graph.Hop": _RECORD, "links.network.paths.PathResult": _RECORD,
    "links.nli_check.NliCheck": _RECORD, "links.power_budget.PowerBudget": _RECORD,
    "links.signals.Frame": _RECORD, "links.simulate.LinkResult": _RECORD, "links.simulate.Constellation": _RECORD,
    "links.simulate.OsnrSweep": _RECORD, "links.surrogate.SurrogateTarget": _RECORD,
    "links.surrogate.Surrogate": _RECORD, "links.imdd.standards.ImddStandard": _RECORD,
    "links.standards.Standard": _RECORD, "links.network.equipment.Equipment": _RECORD,
    "links.ber_curve.BerCurve": _RECORD,
    # internal helpers
    "photonics.devices.to_settings": _INTERNAL, "photonics.devices.dataclass_in": _INTERNAL,
    "photonics.devices.field_names": _INTERNAL, "photonics.devices.from_settings": _INTERNAL,
    "links.budget_lines.as_tuple_of": _INTERNAL, "links.signals.check_field": _INTERNAL,
    "links.transmitter.check_converter": _INTERNAL, "links.network.engine.fiber_nli": _INTERNAL,
    "links.network.engine.segment": _INTERNAL, "links.network.engine.path_steps": _INTERNAL,
    "links.network.engine.path_spectrum": _INTERNAL, "links.store_xarray.run_to_xarray": _INTERNAL,
    "links.linkfile_chip.chip_transceiver": _INTERNAL, "links.surrogate.die_chip": _SLOW,
    "links.surrogate.die_features": _SLOW, "links.surrogate.anchored_die_features": _SLOW,
    "links.surrogate.anchored_estimate": _SLOW, "links.surrogate.closed_form_chip": _INTERNAL,
    "links.surrogate.anchored_die": _SLOW,
    "links.surrogate.die_sweeps": _SLOW, "links.surrogate.fit_die_surrogate":
        _SLOW, "links.surrogate.performance_targets": _SLOW, "links.surrogate.predict_die": _SLOW,
    "links.verdict.ChipPerformance": _RECORD, "links.yields.YieldResult": _RECORD,
    "links.network.modes.mode_from_transceiver": _INTERNAL,
    "links.chip.transmitter_from_manifest": _MANIFEST, "layouts.doe.ChipPlan": _RECORD,
    "layouts.doe.DeviceSpec": _RECORD, "layouts.layer_map.LayerMap": _LAYERS, "layouts.layer_map.register": _STATE,
    "layouts.layer_map.for_pdk": _LAYERS, "layouts.layer_map.derived_pdk": _LAYERS,
    "layouts.layer_map.pdk_from_spec": _LAYERS, "layouts.layer_map.active": _LAYERS,
    "layouts.layer_map.lyp_text": _LAYERS, "layouts.params.flatten": _INTERNAL, "layouts.params.unflatten": _INTERNAL,
    "layouts.params.flat_settings": _INTERNAL, "layouts.params.from_flat": _INTERNAL,
    "layouts.params.replace_path": _INTERNAL,
    "links.budget_nli.link_nli": _ENGINE, "links.imdd.lane_yield.LaneYield": _RECORD,
    "links.imdd.lane_yield.die_tdecq": _SLOW, "links.imdd.lane_yield.lane_waveform": _SLOW,
    "links.imdd.lane_yield.run_lane_yield": _PROCESS, "links.network.engine.advance": _ENGINE,
    "links.network.engine.amplifier_band": _ENGINE, "links.network.engine.band_spectrum": _ENGINE,
    "links.network.engine.lightpaths": _ENGINE, "links.network.engine.tx_state": _ENGINE,
    "links.network.paths.with_mode": _ENGINE, "links.network.pathstore.path_arrays": _ENGINE,
    "links.network.pathstore.read_paths": _FILES, "links.network.pathstore.save_paths": _FILES,
    "photonics.solver_cache.cached": _STATE, "photonics.solver_cache.clear_memory": _STATE,
    "photonics.solver_cache.cache_directory": _STATE,
}


NAN_BY_DESIGN = {
    "links.ber_curve.required_osnr_from_curve": "NaN when the curve never crosses the threshold (documented)",
    "photonics.detectors.TransimpedanceAmplifier": "figures() reports an output_swing not given as NaN",
    "photonics.modulators.MachZehnderModulator": "vpi_l_v_cm (and figures()) is NaN at a bias <= 0 (documented)",
    "links.network.table.choose_modes": "the margin is NaN on a path no mode closes (documented, index -1)",
}
_UID = "an element uid that the network does not hold raises KeyError (should be ValueError naming it)"
KNOWN_OPEN: dict[str, dict[str, str]] = {
    "links.network.paths.filter_penalty_db": {"path": _UID},
    "links.network.paths.evaluate": {"path": _UID},
    "links.network.engine.propagate": {"path": _UID},
    "links.nli.psi_matrices": {"f": "an empty or mis-shaped channel grid raises IndexError",
                               "b": "an empty or mis-shaped bandwidth array raises IndexError"},
}


# --- valid starting values ----------------------------------------------------------------------------------------
def _c(n=256, pol=None, scale=1.0, rng_seed=0):
    rng = np.random.default_rng(rng_seed)
    shape = (n,) if pol is None else (pol, n)
    return (rng.choice([-1.0, 1.0], shape) + 1j * rng.choice([-1.0, 1.0], shape)) * scale / np.sqrt(2)


def _ring():
    from photonics.rings import RingModulator

    return RingModulator()


def _mzm():
    from photonics.modulators import MachZehnderModulator

    return MachZehnderModulator()


def _fiber():
    from links.fiber import Fiber

    return Fiber(length=10e3)


def _network():
    from links.network.native import build_native, example_metro

    return build_native(example_metro(n_sites=9))


BY_NAME = {  # a valid value for an argument of this name (SI units)
    "wavelength": lambda: 1.55e-6, "wavelengths": lambda: np.array([1.549e-6, 1.55e-6]),
    "frequency": lambda: np.linspace(1e9, 50e9, 16), "sample_rate": lambda: 64e9, "sample_rate_in": lambda: 64e9,
    "sample_rate_out": lambda: 32e9, "baud_rate": lambda: 32e9, "symbol_rate": lambda: 32e9,
    "bandwidth": lambda: 30e9, "eval_frequency": lambda: 0.0, "length": lambda: 1e3, "radius": lambda: 10e-6,
    "gap": lambda: 200e-9, "thickness": lambda: 220e-9, "n_core": lambda: 3.48, "n_clad": lambda: 1.44,
    "temperature": lambda: 300.0, "v": lambda: 1.0, "v_reverse": lambda: 1.0, "bias_voltage": lambda: 1.0,
    "drive_voltage": lambda: np.zeros(64), "current": lambda: 30e-3, "power": lambda: np.full(256, 1e-3),
    "signal_power": lambda: 1e-3, "na": lambda: 1e24, "nd": lambda: 1e24, "doping": lambda: 1e24,
    "delta_n": lambda: 1e24, "delta_p": lambda: 1e24, "carrier": lambda: "electron", "osnr_db": lambda: 20.0,
    "snr_db": lambda: 15.0, "gain_db": lambda: 20.0, "nf_db": lambda: 5.0, "ber": lambda: 1e-3, "ser": lambda: 1e-3,
    "threshold": lambda: 1e-2, "modulation": lambda: "16QAM", "standard": lambda: "400ZR", "name": lambda: "400ZR",
    "tx_power_dbm": lambda: -8.0, "tx_range_dbm": lambda: (-10.0, -6.0), "rx_power_dbm": lambda: -10.0,
    "dispersion_ps_nm": lambda: 1000.0, "dispersion_ps_nm_km": lambda: 17.0, "alpha_db_per_km": lambda: 0.2,
    "gamma_per_w_km": lambda: 1.3, "dispersion_slope_ps_nm2_km": lambda: 0.06, "reference_frequency":
        lambda: 193.4e12, "power_coupling": lambda: 0.5, "z0": lambda: 50.0, "roll_off": lambda: 0.1,
    "sps": lambda: 2, "span": lambda: 8, "n_taps": lambda: 15, "n_bits": lambda: 64, "n_symbols": lambda: 64,
    "order": lambda: 7, "degree": lambda: 2, "n_features": lambda: 2, "rng": lambda: np.random.default_rng(0),
    "bits": lambda: np.tile([0, 1, 1, 0], 16), "tx_bits": lambda: np.tile([0, 1, 1, 0], 16),
    "rx_bits": lambda: np.tile([0, 1, 0, 0], 16), "labels": lambda: np.arange(16) % 16,
    "symbols": lambda: _c(256), "tx_symbols": lambda: _c(256), "reference": lambda: _c(256),
    "received": lambda: _c(256, scale=1.01), "transmitted": lambda: _c(256), "rx_decisions": lambda: _c(256),
    "samples": lambda: np.repeat(_c(128, pol=2), 2, axis=1), "field": lambda: _c(256) * 1e-2,
    "signal": lambda: _c(256) * 1e-2, "noisy": lambda: _c(256) * 1e-2 + 1e-4, "x": lambda: _c(256),
    "noise_variance": lambda: 0.05, "offset": lambda: 1e8, "delay": lambda: 0.3, "phase": lambda: np.zeros(256),
    "alpha_h": lambda: 3.0, "kappa": lambda: 1e12, "budget_rtt_s": lambda: 1e-3, "ring": _ring, "mzm": _mzm,
    "modulator": _mzm, "fiber": _fiber, "network": _network, "spans": lambda: [_fiber()], "span_": _fiber,
    "levels": lambda: np.array([1e-4, 3e-4, 5e-4, 7e-4]), "waveform": lambda: np.tile(
        np.repeat([1e-4, 3e-4, 5e-4, 7e-4], 4), 64), "sdict": lambda: {("o1", "o2"): 1.0 + 0j},
    "p0": lambda: 1.0 + 0j, "response": lambda: (np.linspace(1e9, 50e9, 16), np.ones(16, complex)),
    "tdecq_db": lambda: 2.0, "tx_oma_dbm": lambda: 0.0, "insertion_loss_db": lambda: 5.0, "driver_peak_v": lambda: 1.0,
    "eo_bandwidth": lambda: 30e9, "rate": lambda: 400e9, "worst_gsnr_ref_db": lambda: 20.0, "one_way_s": lambda:
        np.array([[0.0, 1e-4], [1e-4, 0.0]]), "src": lambda: "A", "dst": lambda: "B", "material": lambda: "si",
    "resistance_length": lambda: 1e-2, "capacitance_per_length": lambda: 2e-10, "n_group": lambda: 3.9,
    "rin_db_per_hz": lambda: -150.0, "v_low": lambda: 0.0, "v_high": lambda: 2.0, "photodiode": lambda:
        importlib.import_module("photonics.detectors").PinPhotodiode(), "rx_sensitivity_dbm": lambda: -20.0,
    "fiber_length": lambda: 10e3, "pilot_mask": lambda: np.arange(256) % 32 == 0, "kind": lambda: "mzm",
    "n_steps": lambda: 8, "offset_delta": lambda: 0.0,
}


def _plan():
    from links.channel_plan import ChannelPlan

    return ChannelPlan(n_channels=3, baud_rate=64e9, spacing=75e9, center_frequency=193.4e12, launch_power_dbm=0.0)


def _amp():
    from links.amplifiers import Amplifier

    return Amplifier(gain_db=16.0, nf_db=5.0)


def _rib():
    from photonics.phase_shifters import DepletionPhaseShifter

    return DepletionPhaseShifter()


def _std(name="400ZR"):
    from links.standards import get_standard

    return get_standard(name)


def _surrogate():
    from links.surrogate import fit_surrogate

    rng = np.random.default_rng(0)
    x = rng.uniform(-1, 1, (40, 2))
    return fit_surrogate({"a": x[:, 0], "b": x[:, 1]}, {"y": 1 + x[:, 0] + 0.5 * x[:, 1] ** 2}, degree=2)


def _slab():
    from photonics.waveguides import solve_slab

    return solve_slab(3.48, 1.44, 220e-9, 1.55e-6)


def _manifest_doc():
    from photonics.manifest import build

    return build({"name": "fuzz", "size_um": [100.0, 100.0]}, [])


RECIPES = {  # qualified name → valid arguments where BY_NAME does not give them
    "links.budget.coherent_budget": lambda: {"plan": _plan(), "spans": [_fiber()], "amplifier": _amp()},
    "links.channel_plan.ChannelPlan": lambda: {"n_channels": 3, "baud_rate": 64e9, "spacing": 75e9,
                                               "center_frequency": 193.4e12, "launch_power_dbm": 0.0},
    "links.fiber.Fiber": lambda: {"length": 10e3},
    "links.fiber.split_step_reference": lambda: {"fiber": _fiber(), "field": _c(256) * 1e-2, "sample_rate": 64e9,
                                                 "n_steps": 8},
    "links.fiber.random_rotation": lambda: {"rng": np.random.default_rng(0)},
    "photonics.junction.PNJunction": lambda: {"na": 1e24, "nd": 1e24},
    "photonics.junction.LateralJunction": lambda: {"junction": importlib.import_module(
        "photonics.junction").PNJunction(1e24, 1e24)},
    "photonics.carriers.UniformDoping": lambda: {"species": "acceptor", "concentration": 1e24, "x0": -1e-6, "x1": 0.0},
    "photonics.carriers.Implant": lambda: {"species": "donor", "dose": 1e17, "projected_range": 50e-9,
                                           "straggle": 20e-9, "lateral_straggle": 15e-9, "x0": 0.0, "x1": 1e-6},
    "photonics.carriers.RibJunction": lambda: _fields_of(importlib.import_module("photonics.carriers").lateral_pn(
        1e24, 1e24)),
    "photonics.modes.geometry.CrossSection": lambda: _fields_of(importlib.import_module(
        "photonics.modes.geometry").strip()),
    "links.signals.check_record": lambda: {"name": "x", "value": _c(16)},
    "links.signals.dual_pol_frame": lambda: {"n_symbols": 64, "rng": 0},
    "links.surrogate.vary_modulator": lambda: {"modulator": importlib.import_module(
        "photonics.modulators").DualPolIQModulator()},
    "photonics.carriers.lateral_pn": lambda: {"na": 1e24, "nd": 1e24},
    "photonics.modes.geometry.Layer": lambda: {"y_bottom": 0.0, "height": 220e-9},
    "photonics.modes.geometry.Trapezoid": lambda: {"x_center": 0.0, "width": 500e-9, "y_bottom": 0.0,
                                                   "height": 220e-9},
    "photonics.modes.geometry.material_index": lambda: {"material": "si", "wavelength": 1.55e-6},
    "photonics.ring_dynamics.CoupledModeParameters": lambda: {
        "omega0": 1.2e15, "decay_intrinsic": 1e10, "decay_bus": 1e10, "decay_drop": 0.0, "mu_bus": 1e10,
        "mu_drop": 0.0, "round_trip_time": 1e-12},
    "photonics.ring_dynamics.rates": lambda: {"ring": _ring(), "v": 1.0},
    "photonics.ring_dynamics.laser_wavelength": lambda: {"ring": _ring(), "wavelength": _ring().design_wavelength,
                                                         "v": 1.0},
    "photonics.ring_dynamics.simulate": lambda: {"ring": _ring(), "drive_voltage": np.zeros(64),
                                                 "sample_rate": 256e9},
    "photonics.ring_dynamics.small_signal": lambda: {"ring": _ring(), "wavelength": _ring().design_wavelength - 5e-11,
                                                     "bias_voltage": 1.0, "port": "through", "include_rc": True,
                                                     "input_power": 1e-3, "normalized": True},
    "photonics.ring_dynamics.bandwidth_3db": lambda: {"response": lambda f: 1.0 / (1.0 + 1j * f / 30e9),
                                                      "p0": 1.0 + 0j},
    "photonics.sparameters.SParameters": lambda: {"frequency": np.array([1e9, 2e9]),
                                                  "s": np.zeros((2, 2, 2), complex), "port_names": ("o1", "o2")},
    "photonics.sparameters.abcd_to_s": lambda: {"a": np.ones(4), "b": np.full(4, 10.0 + 0j),
                                                "c": np.full(4, 1e-3 + 0j), "d": np.ones(4), "z0": 50.0},
    "photonics.sparameters.electrode_s_parameters": lambda: {"mzm": _mzm(), "frequency": np.linspace(1e9, 50e9, 8)},
    "photonics.sparameters.eo_s_parameters": lambda: {"mzm": _mzm(), "frequency": np.linspace(1e9, 50e9, 8)},
    "photonics.sparameters.waveguide_s_parameters": lambda: {"waveguide": importlib.import_module(
        "photonics.waveguides").RibWaveguide(), "length": 1e-3, "wavelength": np.array([1.55e-6])},
    "photonics.sax_models.waveguide_model": lambda: {"waveguide": importlib.import_module(
        "photonics.waveguides").RibWaveguide(), "length": 1e-3},
    # method pinned to the EIM: the solver's κ table of each fuzzed cross-section costs seconds (the default rib's
    # is cached after one call, but fuzzed waveguides would each solve a new table)
    "photonics.sax_models.directional_coupler_model": lambda: {"waveguide": importlib.import_module(
        "photonics.waveguides").RibWaveguide(), "gap": 200e-9, "length": 10e-6, "method": "weak"},
    "photonics.couplers.directional_coupler": lambda: {
        "waveguide": importlib.import_module("photonics.waveguides").RibWaveguide(), "gap": 200e-9, "length": 10e-6,
        "coupling_model": importlib.import_module("photonics.couplers").CouplingModel(method="weak")},
    "photonics.couplers.coupling_coefficient": lambda: {"guide": _slab(), "gap": 200e-9, "wavelength": 1.55e-6,
                                                        "method": "weak"},
    "photonics.coupler_table.table_gaps": lambda: {"min_gap": 100e-9, "max_gap": 2e-6},
    "photonics.coupler_table.KappaTable": lambda: {"gaps": (1e-7, 3e-7, 6e-7), "n_even": (2.60, 2.57, 2.565),
                                                   "n_odd": (2.50, 2.55, 2.562), "wavelength": 1.55e-6},
    "photonics.couplers.slab_coupling_coefficient": lambda: {"mode": _slab(), "gap": 200e-9, "wavelength": 1.55e-6},
    "photonics.couplers.supermode_indices": lambda: {"mode": _slab(), "gap": 200e-9, "wavelength": 1.55e-6},
    "photonics.couplers.coupled_phase": lambda: {"guide": _slab(), "gap": 200e-9, "radius": 10e-6,
                                                 "wavelength": 1.55e-6},
    "photonics.electrodes.lumped_response": lambda: {"frequency": np.linspace(1e9, 50e9, 8),
                                                     "resistance_length": 1e-2, "capacitance_per_length": 2e-10,
                                                     "length": 1e-3, "n_series": 2, "pad_capacitance": 20e-15},
    "photonics.electrodes.loaded_line": lambda: {"electrode": importlib.import_module(
        "photonics.electrodes").CoplanarElectrode(), "frequency": np.linspace(1e9, 50e9, 8),
        "junction_y": np.full(8, 1e-3 + 1e-2j)},
    "photonics.electrodes.traveling_wave_response": lambda: {
        "frequency": np.linspace(1e9, 50e9, 8), "gamma": np.full(8, 10 + 100j), "z_c": np.full(8, 40 + 0j),
        "length": 3e-3, "n_group": 3.9},
    "photonics.laser_simulation.simulate_lasers": lambda: {"params": [importlib.import_module(
        "photonics.laser_params").LaserParams()], "current": 30e-3, "sample_rate": 1e12, "n_samples": 64, "rng": 0},
    "photonics.laser_estimators.chirp_from_power": lambda: {"power": np.full(256, 1e-3) * (1 + 0.1 * np.sin(
        np.arange(256))), "sample_rate": 1e12, "alpha_h": 3.0, "kappa": 1e12},
    "photonics.devices.check_kind": lambda: {"kind": "mzm"},
    "photonics.devices.with_model": lambda: {"obj": _mzm(), "model": "closed_form"},
    "photonics.devices.check_objects": lambda: {"kind": "mzm", "objects": {"modulator": _mzm()}},
    "photonics.devices.figures": lambda: {"kind": "mzm", "objects": {"modulator": _mzm()}},
    "photonics.devices.parameters": lambda: {"kind": "mzm", "objects": {"modulator": _mzm()}},
    "photonics.devices.rebuild": lambda: {"kind": "mzm", "params": importlib.import_module(
        "photonics.devices").parameters("mzm", {"modulator": _mzm()})},
    "photonics.devices.fingerprint": lambda: {"params": {"a": 1.0, "b": [1, 2]}},
    "photonics.manifest.parse": lambda: {"data": _manifest_doc()},
    "photonics.manifest.build": lambda: {"chip": {"name": "fuzz", "size_um": [100.0, 100.0]}, "devices": []},
    "links.amplifiers.load_noise": lambda: {"field": _c(256) * 1e-2, "sample_rate": 64e9, "osnr_db": 20.0,
                                            "rng": np.random.default_rng(0)},
    "links.ber_curve.required_osnr_from_curve": lambda: {"curve": (np.array([10.0, 15.0, 20.0]),
                                                                   np.array([1e-1, 1e-2, 1e-4])), "threshold": 1e-2},
    "links.chip.transmitter_from_manifest": lambda: {"manifest": _manifest_doc(), "baud_rate": 32e9},
    "links.chip.ChipTransceiver": lambda: {"modulator": _mzm()},
    "links.dsp.chain.front_end": lambda: {"samples": np.repeat(_c(128, pol=2), 2, axis=1), "sample_rate": 64e9,
                                          "baud_rate": 32e9, "config": importlib.import_module(
                                              "links.dsp.chain").DspConfig()},
    "links.dsp.foe.remove_frequency_offset": lambda: {"x": _c(256), "offset": 1e8, "sample_rate": 64e9},
    "links.dsp.timing.fractional_delay": lambda: {"x": _c(256), "delay": 0.3},
    "links.dsp.timing.resample": lambda: {"x": _c(256), "sample_rate_in": 64e9, "sample_rate_out": 32e9},
    "links.egn.egn_correction": lambda: {"frequency": np.array([193.4e12]), "bandwidth": np.array([64e9]),
                                         "spans": [_fiber()]},
    "links.gn.fibre_parameters": lambda: {"span": _fiber()},
    "links.gn.gn_psd": lambda: {"frequency": np.array([193.4e12]), "bandwidth": np.array([64e9]),
                                "power": np.array([1e-3]), "span": _fiber(), "eval_frequency": 193.4e12},
    "links.gn.gn_eta": lambda: {"frequency": np.array([193.4e12]), "bandwidth": np.array([64e9]),
                                "spans": [_fiber()]},
    "links.gn.coherence_epsilon": lambda: {"frequency": np.array([193.4e12]), "bandwidth": np.array([64e9]),
                                           "span": _fiber()},
    "links.gn.nli_eta": lambda: {"frequency": np.array([193.4e12]), "bandwidth": np.array([64e9]),
                                 "spans": [_fiber()]},
    "links.nli.psi_matrices": lambda: {"f": np.array([193.4e12, 193.475e12]), "b": np.array([64e9, 64e9]),
                                       "fibers": [_fiber()]},
    "links.nli.span_scale": lambda: {"span": _fiber()},
    "links.nli.nli_coefficients": lambda: {"frequency": np.array([193.4e12]), "bandwidth": np.array([64e9]),
                                           "spans": [_fiber()]},
    "links.nli.fiber_types": lambda: {"spans": [_fiber()]},
    "links.nli.channel_arrays": lambda: {"frequency": np.array([193.4e12, 193.5e12]),
                                         "bandwidth": np.array([64e9, 64e9]), "power": np.array([1e-3, 1e-3])},
    "links.surrogate.anchor_change": lambda: {"nominal": {"vpi_v": 5.0, "tx_power_dbm": -8.0},
                                              "closed_nominal": {"vpi_v": 5.5, "tx_power_dbm": -8.5},
                                              "closed_die": {"vpi_v": 5.6, "tx_power_dbm": -8.2}},
    "links.surrogate.is_nominal": lambda: {"deviations": {"width_delta": 0.0, "na_scale": 1.0}},
    "links.nli.closed_form_nli": lambda: {"frequency": np.array([193.4e12, 193.475e12]),
                                          "bandwidth": np.array([64e9, 64e9]), "power": np.array([1e-3, 1e-3]),
                                          "spans": [_fiber()], "weight": [1.0]},
    "links.imdd.budget.imdd_budget": lambda: {"standard": "800G-DR8", "tx_oma_dbm": 0.0, "tdecq_db": 2.0,
                                              "length": 500.0},
    "links.imdd.channel.power_fading_response": lambda: {"frequency": np.linspace(1e9, 50e9, 8), "length": 10e3,
                                                         "dispersion_ps_nm_km": 17.0, "wavelength": 1.55e-6},
    "links.imdd.channel.power_fading_notches": lambda: {"length": 10e3, "dispersion_ps_nm_km": 17.0,
                                                        "wavelength": 1.55e-6},
    "links.imdd.channel.o_band_fiber": lambda: {"length": 2e3, "wavelength": 1.31e-6},
    "links.imdd.channel.g652_dispersion_ps_nm_km": lambda: {"wavelength": 1.31e-6},
    "links.imdd.channel.beta2_from_dispersion": lambda: {"dispersion_ps_nm_km": 17.0, "wavelength": 1.55e-6},
    "links.imdd.patterns.prbs_bits": lambda: {"degree": 7, "n_bits": 64},
    "links.imdd.patterns.gray_pam4": lambda: {"bits": np.tile([0, 1, 1, 0], 16)},
    "links.imdd.patterns.pattern": lambda: {"name": "PRBS13Q"},
    "links.imdd.receiver.detect": lambda: {"power": np.full(256, 1e-4), "sample_rate": 64e9,
                                           "photodiode": BY_NAME["photodiode"](), "rng": np.random.default_rng(0)},
    "links.imdd.receiver.sample_symbols": lambda: {"waveform": np.repeat(np.tile([-3.0, -1, 1, 3], 32), 4),
                                                   "sps": 4},
    "links.imdd.receiver.ffe_dfe": lambda: {"samples": np.tile([-3.0, -1, 1, 3], 64),
                                            "reference": np.tile([-3.0, -1, 1, 3], 64)},
    "links.imdd.receiver.pam4_decide": lambda: {"samples": np.tile([-3.0, -1, 1, 3], 64)},
    "links.imdd.receiver.align": lambda: {"decisions": np.tile([0, 1, 2, 3], 64), "symbols": np.tile([0, 1, 2, 3],
                                                                                                     64)},
    "links.imdd.receiver.symbol_error_ratio": lambda: {"samples": np.tile([-3.0, -1, 1, 3], 64),
                                                       "symbols": np.tile([0, 1, 2, 3], 64)},
    "links.imdd.standards.imdd_standard": lambda: {"name": "800G-DR8"},
    "links.imdd.tdecq.tdecq_method": lambda: {"standard": "802.3df"},
    "links.imdd.tdecq.TdecqMethod": lambda: {f.name: getattr(importlib.import_module("links.imdd.tdecq").tdecq_method(
        "802.3df"), f.name) for f in dataclasses.fields(importlib.import_module("links.imdd.tdecq").TdecqMethod)},
    "links.imdd.tdecq.bessel_thomson": lambda: {"frequency": np.linspace(0, 50e9, 8), "bandwidth": 26.5e9},
    "links.imdd.tdecq.extinction_ratio_db": lambda: {"levels": np.array([1e-4, 3e-4, 5e-4, 7e-4])},
    "links.imdd.tdecq.ratio_level_mismatch": lambda: {"levels": np.array([1e-4, 3e-4, 5e-4, 7e-4])},
    "links.imdd.transmitters.pam4_drive": lambda: {"symbols": np.tile([0, 1, 2, 3], 16), "sps": 4, "v_low": 0.0,
                                                   "v_high": 2.0},
    "links.imdd.transmitters.add_rin": lambda: {"power": np.full(256, 1e-3), "sample_rate": 64e9,
                                                "rin_db_per_hz": -150.0, "rng": np.random.default_rng(0)},
    "links.imdd.transmitters.laser_rin_db_per_hz": lambda: {"laser": importlib.import_module(
        "photonics.lasers").RateEquationLaser(importlib.import_module("photonics.laser_params").LaserParams()),
        "current": 30e-3},
    "links.amplifiers.Amplifier": lambda: {"gain_db": 20.0, "nf_db": 5.0},
    "layouts.params.um": lambda: {"x": 1e-6},
    "layouts.doe.plan": lambda: {"doe": importlib.import_module("layouts.doe").default_doe()},
    "links.imdd.transmitters.ring_pam4": lambda: {"ring": _ring(), "symbols": np.tile([0, 1, 2, 3], 16),
                                                  "baud_rate": 26.5625e9},
    "links.imdd.transmitters.mzm_pam4": lambda: {"mzm": _mzm(), "symbols": np.tile([0, 1, 2, 3], 16),
                                                 "baud_rate": 26.5625e9},
    "links.latency.latency": lambda: {"length": 100e3},
    "links.linkfile.preset": lambda: {"name": "400ZR-DCI-120km"},
    "links.linkfile.parse_link": lambda: {"data": {"standard": "400ZR", "spans": [{"length_km": 80}],
                                                   "amplifier": {"nf_db": 5.0}}},
    "links.linkfile.link_from_standard": lambda: {"standard": "400ZR"},
    "links.linkfile.evaluate": lambda: {"link": importlib.import_module("links.linkfile").link_from_standard(
        "400ZR")},
    "links.linkfile_chip.driver_from_mapping": lambda: {"data": {}},
    "links.metrics.passes_threshold": lambda: {"ber": 1e-3, "standard": _std()},
    "links.metrics.theoretical_ber": lambda: {"modulation": "16QAM", "snr_db": 15.0},
    "links.modulations.check_modulation": lambda: {"modulation": "16QAM"},
    "links.modulations.levels_per_dimension": lambda: {"modulation": "16QAM"},
    "links.network.coverage.reach_from_paths": lambda: {"network": _network(), "paths": importlib.import_module(
        "links.network.paths").all_pairs(_network())},
    "links.network.coverage.reach_from_latency": lambda: {"sites": ("A", "B"), "one_way_s": np.array(
        [[0.0, 1e-4], [1e-4, 0.0]])},
    "links.network.coverage.coverage": lambda: {"reach": _reach(), "compute": ("A",)},
    "links.network.coverage.covered_sites": lambda: {"reach": _reach(), "compute": ("A",)},
    "links.network.coverage.min_compute_set": lambda: {"reach": _reach()},
    "links.network.engine.make_span": lambda: {"length": 80e3, "alpha_db_per_km": 0.2, "dispersion_ps_nm_km": 17.0,
                                               "gamma_per_w_km": 1.3, "dispersion_slope_ps_nm2_km": 0.06,
                                               "reference_frequency": 193.4e12},
    "links.network.engine.propagate": lambda: _path_args(),
    "links.network.paths.filter_penalty_db": lambda: _path_args(),
    "links.network.paths.evaluate": lambda: {**_path_args(), "modes": importlib.import_module(
        "links.network.modes").standard_modes()},
    "links.network.paths.all_pairs": lambda: {"network": _network()},
    "links.network.paths.k_shortest": lambda: {"network": _network(), **_pair()},
    "links.network.paths.disjoint_pair": lambda: {"network": _network(), **_pair()},
    "links.network.modes.best_mode": lambda: {"modes": importlib.import_module(
        "links.network.modes").standard_modes(), "worst_gsnr_ref_db": 20.0},
    "links.network.native.build_native": lambda: {"doc": _native_doc()},
    "links.network.equipment.estimate_nf_model": lambda: {"name": "std", "gain_min": 15.0, "gain_max": 25.0,
                                                          "nf_min": 5.0, "nf_max": 7.0},
    "links.network.equipment.AmplifierType": lambda: {"type_variety": "std", "type_def": "variable_gain",
                                                      "gain_flatmax": 25.0, "gain_min": 15.0, "p_max": 21.0,
                                                      "nf_min": 5.0, "nf_max": 7.0},
    "links.network.equipment.FiberType": lambda: {"type_variety": "SSMF"},
    "links.network.equipment.RoadmImpairment": lambda: {"path_type": "express"},
    "links.network.equipment.TransceiverType": lambda: {"type_variety": "zr"},
    "links.network.model.Site": lambda: {"name": "A"},
    "links.network.model.Element": lambda: {"uid": "e"},
    "links.network.model.TransceiverNode": lambda: {"uid": "t"},
    "links.network.model.Roadm": lambda: {"uid": "r"},
    "links.network.model.FiberNode": lambda: {"uid": "f", "length": 80e3} if "length" in _fields(
        "links.network.model", "FiberNode") else {"uid": "f"},
    "links.network.model.EdfaNode": lambda: {"uid": "a"},
    "links.network.model.Fused": lambda: {"uid": "x"},
    "links.network.modes.TransceiverMode": lambda: {"name": "m", "rate": 400e9, "baud_rate": 60e9,
                                                    "required_osnr_db": 20.0},
    "links.power_budget.LumpedLoss": lambda: {"name": "connector", "loss_db": 0.5},
    "links.power_budget.UnamplifiedLink": lambda: {"tx_power_dbm": 0.0, "rx_sensitivity_dbm": -20.0,
                                                   "fiber_length": 10e3, "alpha_db_per_km": 0.35},
    "links.power_budget.power_budget": lambda: {"link": importlib.import_module("links.power_budget").UnamplifiedLink(
        tx_power_dbm=0.0, rx_sensitivity_dbm=-20.0, fiber_length=10e3, alpha_db_per_km=0.35)},
    "links.budget_lines.BudgetLine": lambda: {"name": "connector", "value_db": 0.5},
    "links.budget_lines.tx_power_check": lambda: {"tx_power_dbm": -8.0, "tx_range_dbm": (-10.0, -6.0)},
    "links.signals.prbs": lambda: {"order": 7, "n_bits": 64},
    "links.signals.rrc_taps": lambda: {"roll_off": 0.1, "sps": 2, "span": 8},
    "links.signals.rrc_response": lambda: {"frequency": np.linspace(-32e9, 32e9, 16), "baud_rate": 32e9,
                                           "roll_off": 0.1},
    "links.signals.map_bits": lambda: {"bits": np.tile([0, 1, 1, 0], 16), "modulation": "16QAM"},
    "links.signals.labels_to_bits": lambda: {"labels": np.arange(16), "modulation": "16QAM"},
    "links.signals.llr": lambda: {"symbols": _c(64), "modulation": "QPSK", "noise_variance": 0.05},
    "links.signals.shape": lambda: {"symbols": _c(64), "baud_rate": 32e9, "sample_rate": 64e9},
    "links.signals.matched_filter": lambda: {"samples": _c(128), "baud_rate": 32e9, "sample_rate": 64e9},
    "links.signals.samples_per_record": lambda: {"n_symbols": 64, "baud_rate": 32e9, "sample_rate": 64e9},
    "links.sweep.Distribution": lambda: {"kind": "normal", "params": {"mean": 0.0, "std": 1.0}},
    "links.sweep.SweepSpec": lambda: {"function": "a:b", "grid": {"x": [1.0, 2.0]}},
    "links.sweep_function.check_function_allowed": lambda: {"function": "links.yields:die_margin"},
    "links.sweep_function.check_function_spec": lambda: {"function": "a:b"},
    "links.sweep_function.function_name": lambda: {"function": "a:b"},
    "links.sweep_function.resolve_function": lambda: {"path": "links.yields:die_figures"},
    "links.sweep_function.module_directories": lambda: {"fn": np.sum},
    "links.sweep_function.code_fingerprint": lambda: {"fn": _c},
    "links.surrogate.polynomial_terms": lambda: {"n_features": 2, "degree": 2},
    "links.surrogate.bandwidth_penalty_db": lambda: {"mzm": _mzm(), "baud_rate": 60e9},
    "links.surrogate.vary_mzm": lambda: {"mzm": _mzm()},
    "links.surrogate.predict_die": lambda: {"surrogate": _surrogate(), "features": {"a": 0.1, "b": 0.2},
                                            "threshold": 1.0},
    "links.transceiver.Transceiver": lambda: {"name": "t", "modulation": "16QAM", "baud_rate": 60e9,
                                              "pre_fec_ber_threshold": 1.25e-2, "required_osnr_db": 20.0},
    "links.transceiver.theoretical_required_osnr_db": lambda: {"modulation": "16QAM", "baud_rate": 60e9,
                                                               "threshold": 1e-2},
    "links.transmitter.gaussian_response": lambda: {"frequency": np.linspace(0, 50e9, 8), "bandwidth": 30e9},
    "links.yields.iq_transmission": lambda: {"mzm": _mzm(), "driver_peak_v": 1.0, "modulation": "16QAM"},
    "links.yields.die_figures": lambda: {"design": importlib.import_module("links.yields").TransmitterDesign(),
                                         "baud_rate": 60e9},
    "links.yields.design_chip": lambda: {"design": importlib.import_module("links.yields").TransmitterDesign()},
    "links.yields.chip_design": lambda: {"chip": importlib.import_module("links.yields").design_chip(
        importlib.import_module("links.yields").TransmitterDesign())},
    "links.standards.get_standard": lambda: {"name": "400ZR"},
    "links.store_xarray.unit_from_name": lambda: {"name": "power_dbm"},
    "links.metrics.required_snr_db": lambda: {"modulation": "16QAM", "ber": 1e-3},
    "links.dsp.cpr.pilot_slip_correction": lambda: {"symbols": _c(256), "reference": _c(256),
                                                    "pilot_mask": np.arange(256) % 32 == 0},
    "links.dsp.foe.fourth_power_frequency_offset": lambda: {"symbols": _c(256), "symbol_rate": 32e9},
    "layouts.params.GratingCoupler": lambda: {},
    "links.budget_nli.check_nli_model": lambda: {"nli_model": "gn"},
    "links.budget_nli.nli_model_description": lambda: {"nli_model": "egn", "modulation": "16QAM"},
    "links.budget_nli.span_nli_eta": lambda: {"frequency": np.array([193.4e12, 193.475e12]),
                                              "bandwidth": np.array([64e9, 64e9]), "spans": [_fiber()]},
    "links.budget_nli.span_nli_power": lambda: {"frequency": np.array([193.4e12, 193.475e12]),
                                                "bandwidth": np.array([64e9, 64e9]), "power": np.array([1e-3, 1e-3]),
                                                "span": _fiber()},
    "links.egn.sci_terms": lambda: {"baud": 64e9, "span": _fiber(), "n_spans": 2},
    "links.egn.sci_correction_factor": lambda: {"baud": 64e9, "span": _fiber(), "n_spans": 2, "modulation": "16QAM"},
    "links.egn.xci_terms": lambda: {"baud": 64e9, "offset": 75e9, "span": _fiber(), "n_spans": 2},
    "links.nli.check_dispersive": lambda: {"f": np.array([193.4e12, 193.475e12]), "fibers": [_fiber()]},
    "links.nli.closed_form_types": lambda: {"f_low": 193.4e12, "f_high": 193.475e12, "fibers": [_fiber()]},
    "links.imdd.transmitters.at_wavelength": lambda: {"device": _ring(), "wavelength": 1.31e-6},
    "links.imdd.lane_yield.device_parameters": lambda: {"kind": "ring", "device": _ring()},
    "links.network.table.choose_modes": lambda: {"modes": importlib.import_module(
        "links.network.modes").standard_modes(), "worst_gsnr_ref_db": np.array([15.0, 25.0, 30.0]),
        "penalty_db": np.array([0.0, 0.5, 1.0])},
    "photonics.solver_cache.fingerprint": lambda: {"key": ("mode", 1.55e-6, 500e-9)},
    "layouts.params.EdgeCoupler": lambda: {},
}


def _fields(module, cls):
    return {f.name for f in dataclasses.fields(getattr(importlib.import_module(module), cls))}


def _pair():
    names = _network().transceivers()
    return {"src": names[0], "dst": names[-1]}


def _path_args():
    net = _network()
    p = _pair()
    return {"network": net, "path": net.path(p["src"], p["dst"])}


def _fields_of(obj) -> dict:
    return {f.name: getattr(obj, f.name) for f in dataclasses.fields(obj) if f.init}


def _reach():
    from links.network.coverage import reach_from_latency

    return reach_from_latency(("A", "B"), np.array([[0.0, 1e-4], [1e-4, 0.0]]))


def _native_doc():
    from links.network.native import example_metro

    return example_metro(n_sites=9)
