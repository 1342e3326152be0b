"""Package boundaries and import-time behaviour (DESIGN.md: architecture and conventions)."""

import ast
import pathlib
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[1]
FORBIDDEN = {"photonics": {"links", "layouts", "optolink", "gdsfactory", "kfactory"},
             "links": {"layouts", "optolink", "gdsfactory", "kfactory"}}


def _imports(path: pathlib.Path) -> set[str]:
    tree = ast.parse(path.read_text())
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            out.add(node.module.split(".")[0])
    return out


def test_package_boundaries():
    bad = []
    for pkg, forbidden in FORBIDDEN.items():
        for f in (ROOT / pkg).rglob("*.py"):
            hit = _imports(f) & forbidden
            if hit:
                bad.append(f"{f.relative_to(ROOT)} imports {sorted(hit)}")
    assert bad == []


def test_importing_photonics_and_links_loads_no_gdsfactory_and_compiles_nothing():
    modules = sorted(
        ".".join(f.relative_to(ROOT).with_suffix("").parts)
        for pkg in ("photonics", "links") for f in (ROOT / pkg).rglob("*.py") if f.name != "__main__.py")
    code = (
        "import importlib, sys\n"
        f"mods = {modules!r}\n"
        "for m in mods: importlib.import_module(m.removesuffix('.__init__'))\n"
        "assert 'gdsfactory' not in sys.modules and 'kfactory' not in sys.modules, 'gdsfactory imported'\n"
        "from numba.core.registry import CPUDispatcher\n"
        "compiled = [f'{m}.{k}' for m in mods for k, v in vars(sys.modules[m.removesuffix('.__init__')]).items()\n"
        "            if isinstance(v, CPUDispatcher) and v.signatures]\n"
        "assert not compiled, f'compiled at import: {compiled}'\n"
        "print(len(mods))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert int(proc.stdout.strip()) > 20
