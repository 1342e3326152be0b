"""Package boundaries and import-time behaviour (docs/architecture.md).

The layers, bottom to top: ``optolink.core`` → ``photonics`` → ``links`` and ``layouts`` (siblings that never
import each other) → ``optolink`` (flows and CLI). ``benchmarks`` and ``tests`` sit beside the top and never
import each other. Only ``layouts`` imports gdsfactory/kfactory.
"""

import ast
import collections
import pathlib
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
PACKAGES = ("optolink.core", "photonics", "links", "layouts", "optolink", "benchmarks", "tests")
# what each layer may import of the project's own packages (itself always)
ALLOWED = {
    "optolink.core": set(),
    "photonics": {"optolink.core"},
    "links": {"optolink.core", "photonics"},
    "layouts": {"optolink.core", "photonics"},
    "optolink": {"optolink.core", "photonics", "links", "layouts"},
    "benchmarks": {"optolink.core", "photonics", "links", "layouts", "optolink"},
    "tests": {"optolink.core", "photonics", "links", "layouts", "optolink"},
}
GDS_TOOLS = {"gdsfactory", "kfactory"}


def layer_of(module: str) -> str | None:
    """The layer a dotted module name belongs to (``optolink.core.x`` → ``optolink.core``)."""
    if module == "optolink.core" or module.startswith("optolink.core."):
        return "optolink.core"
    top = module.split(".")[0]
    return top if top in ALLOWED else None


def module_name(path: pathlib.Path, root: pathlib.Path = ROOT) -> str:
    name = ".".join(path.relative_to(root).with_suffix("").parts)
    return name.removesuffix(".__init__")


def imported_modules(path: pathlib.Path, root: pathlib.Path = ROOT) -> set[str]:
    """Absolute dotted names of every module a file imports, relative imports resolved."""
    tree = ast.parse(path.read_text())
    here = module_name(path, root).split(".")
    package = here if path.name == "__init__.py" else here[:-1]
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - (node.level - 1)]
                mod = ".".join(base + ([node.module] if node.module else []))
            else:
                mod = node.module or ""
            out.add(mod)
            out |= {f"{mod}.{a.name}" for a in node.names}  # `from optolink import core`
    return out


def upward_imports(root: pathlib.Path = ROOT) -> list[str]:
    """Every import of a layer the importing file's layer may not use."""
    bad = []
    for f in sorted(root.rglob("*.py")):
        if ".venv" in f.parts or "site-packages" in f.parts:
            continue
        mine = layer_of(module_name(f, root))
        if mine is None:
            continue
        imports = imported_modules(f, root)
        for mod in sorted(imports):
            theirs = layer_of(mod)
            if theirs is None or theirs == mine:
                continue
            # `from optolink import core` names optolink.core, not the top layer
            if mod == "optolink" and mine != "optolink":
                continue
            if theirs not in ALLOWED[mine]:
                bad.append(f"{f.relative_to(root)} ({mine}) imports {mod} ({theirs})")
        if mine != "layouts":
            hit = {m.split(".")[0] for m in imports} & GDS_TOOLS
            if hit and mine not in ("tests", "benchmarks", "optolink"):
                bad.append(f"{f.relative_to(root)} ({mine}) imports {sorted(hit)}")
    return bad


def test_no_package_imports_a_layer_above_it():
    assert upward_imports() == []


def test_the_checker_catches_an_upward_import(tmp_path):
    """The rule can fail: a copy of the tree with one planted upward import is caught."""
    for pkg in ("photonics", "links", "optolink"):
        (tmp_path / pkg).mkdir(parents=True)
    (tmp_path / "optolink" / "core").mkdir()
    (tmp_path / "photonics" / "a.py").write_text("from links.budget import ChannelPlan\n")
    (tmp_path / "links" / "b.py").write_text("from photonics import y\n")
    (tmp_path / "optolink" / "core" / "c.py").write_text("from ..flows import run\n")
    bad = upward_imports(tmp_path)
    assert any("photonics/a.py" in b and "links.budget" in b for b in bad)
    assert any("optolink/core/c.py" in b and "optolink.flows" in b for b in bad)
    assert not any("links/b.py" in b for b in bad)  # links may import photonics
    assert {b.split(" (")[0] for b in bad} == {"photonics/a.py", "optolink/core/c.py"}


def test_no_two_modules_define_a_class_of_the_same_name():
    where = collections.defaultdict(list)
    for pkg in ("photonics", "links", "layouts", "optolink"):
        for f in sorted((ROOT / pkg).rglob("*.py")):
            for node in ast.parse(f.read_text()).body:
                if isinstance(node, ast.ClassDef) and not node.name.startswith("_"):
                    where[node.name].append(str(f.relative_to(ROOT)))
    assert {k: v for k, v in where.items() if len(v) > 1} == {}


@pytest.mark.parametrize("layer", ["optolink.core", "photonics", "links"])
def test_importing_a_lower_layer_loads_no_gdsfactory_and_compiles_nothing(layer):
    base = ROOT.joinpath(*layer.split("."))
    modules = sorted(module_name(f) for f in base.rglob("*.py") if f.name != "__main__.py")
    code = (
        "import importlib, sys\n"
        f"mods = {modules!r}\n"
        "for m in mods: importlib.import_module(m)\n"
        "assert 'gdsfactory' not in sys.modules and 'kfactory' not in sys.modules, 'gdsfactory imported'\n"
        "assert not any(m.startswith(('links', 'layouts')) for m in sys.modules if m not in mods) or "
        f"{layer!r} == 'links', 'a lower layer pulled in a higher one'\n"
        "from numba.core.registry import CPUDispatcher\n"
        "compiled = [f'{m}.{k}' for m in mods for k, v in vars(sys.modules[m]).items()\n"
        "            if isinstance(v, CPUDispatcher) and v.signatures]\n"
        "assert not compiled, f'compiled at import: {compiled}'\n"
        "print(len(mods))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert int(proc.stdout.strip()) >= 5
