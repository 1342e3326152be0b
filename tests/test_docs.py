"""The documentation site: every Python example in it runs, the API reference covers every public module, the
strict build succeeds (warnings are errors), and the built site opens in headless Chromium with no console
errors and every page reachable from the index."""

from __future__ import annotations

import html.parser
import importlib.util
import os
import pathlib
import posixpath
import re
import subprocess
import sys
import types

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
PAGES = sorted(DOCS.rglob("*.md"))
PYTHON_PAGES = [p for p in PAGES if "```python\n" in p.read_text()]
PACKAGES = ("optolink.core", "photonics", "links", "layouts", "optolink")


def _blocks(page: pathlib.Path) -> list[tuple[int, str]]:
    text = page.read_text()
    return [(text[:m.start()].count("\n") + 2, m.group(1))
            for m in re.finditer(r"^```python\n(.*?)^```", text, flags=re.S | re.M)]


@pytest.mark.parametrize("page", PYTHON_PAGES, ids=[str(p.relative_to(DOCS)) for p in PYTHON_PAGES])
def test_python_examples_of_the_page_run(page, tmp_path, monkeypatch):
    """The blocks of one page run in order in one namespace (a page reads as one session), in a scratch
    working directory; a block's line number in the page shows in any traceback."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("MPLBACKEND", "Agg")
    namespace: dict = {"__name__": "__docs__"}
    blocks = _blocks(page)
    for line, code in blocks:
        exec(compile("\n" * (line - 1) + code, str(page), "exec"), namespace)  # noqa: S102 - our own docs
    assert blocks and set(namespace) - {"__name__", "__builtins__"}, f"{page} defines nothing it could show"


def test_the_guides_show_runnable_code():
    names = {p.relative_to(DOCS).as_posix() for p in PYTHON_PAGES}
    assert {"getting-started.md", "guides/chip-designer.md", "guides/layout-engineer.md",
            "guides/link-engineer.md"} <= names


def _hooks():
    pytest.importorskip("mkdocs")
    spec = importlib.util.spec_from_file_location("optolink_docs_hooks", DOCS / "hooks.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_api_reference_lists_every_public_module():
    hooks = _hooks()
    listed = {m for pkg in PACKAGES for m in hooks.public_modules(pkg)}
    expected = set()
    for top in ("optolink", "photonics", "links", "layouts"):
        for path in (ROOT / top).rglob("*.py"):
            parts = path.relative_to(ROOT).with_suffix("").parts
            if parts[-1] == "__init__":
                parts = parts[:-1]
            if not any(p.startswith("_") for p in parts):
                expected.add(".".join(parts))
    assert expected - listed == set(), "modules missing from the API reference"
    assert listed - expected == set()
    markers = "".join(p.read_text() for p in (DOCS / "reference").glob("*.md"))
    for pkg in PACKAGES:
        assert f"<!-- api: {pkg} -->" in markers


def _tiny_png(path: pathlib.Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig = plt.figure(figsize=(0.5, 0.5))
    fig.savefig(path, format="png")
    plt.close(fig)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The site built as `make docs` builds it (strict), with stand-in plots (tests/test_examples.py runs
    the examples themselves)."""
    for module in ("mkdocs", "material", "mkdocstrings", "mkdocstrings_handlers.python"):
        pytest.importorskip(module, reason="the docs extra is not installed (pip install -e .[docs])")
    tmp = tmp_path_factory.mktemp("docs")
    gallery = tmp / "gallery"
    gallery.mkdir()
    for example in (ROOT / "examples").glob("*.py"):
        _tiny_png(gallery / f"{example.stem}.png")
    out = tmp / "site"
    env = {**os.environ, "OPTOLINK_DOCS_GALLERY": str(gallery), "NO_MKDOCS_2_WARNING": "1"}
    proc = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(out)], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, (proc.stdout + proc.stderr)[-4000:]
    return out


def test_build_without_a_gallery_plot_fails(tmp_path, monkeypatch, caplog):
    """A missing plot is a warning, which the strict build turns into an error (the gallery cannot rot)."""
    hooks = _hooks()

    class _File:  # stands in for mkdocs' File: only what on_files hands to it is checked here
        @staticmethod
        def generated(config, src_uri, **kwargs):
            return types.SimpleNamespace(src_uri=src_uri, **kwargs)

    monkeypatch.setattr(hooks, "File", _File)
    monkeypatch.setenv("OPTOLINK_DOCS_GALLERY", str(tmp_path))  # an empty folder: no plots
    with caplog.at_level("WARNING", logger="mkdocs.hooks.optolink"):
        files = hooks.on_files([], config={})
    missing = [r for r in caplog.records if "gallery: no plot" in r.getMessage()]
    assert len(missing) == len(list((ROOT / "examples").glob("*.py")))
    assert {f.src_uri for f in files} >= {f"schemas/{name}" for name in hooks.SCHEMA_SOURCES}


class _Links(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs: list[str] = []
        self.images: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "a" and a.get("href"):
            self.hrefs.append(a["href"])
        if tag == "img" and a.get("src"):
            self.images.append(a["src"])


def _parse(dom: str) -> _Links:
    parser = _Links()
    parser.feed(dom)
    return parser


def _local_targets(base: str, refs: list[str]) -> set[str]:
    out = set()
    for ref in refs:
        ref = ref.split("#")[0].split("?")[0]
        if not ref or re.match(r"^[a-z]+:", ref):
            continue
        out.add(posixpath.normpath(posixpath.join(posixpath.dirname(base), ref)))
    return out


def test_site_opens_in_chromium_with_every_page_linked_from_the_index(site, open_in_chromium):
    dom, console = open_in_chromium(site / "index.html")
    assert console == [], console
    linked = _local_targets("index.html", _parse(dom).hrefs)
    pages = {p.relative_to(site).as_posix() for p in site.rglob("*.html")} - {"404.html"}
    assert len(pages) >= 20
    assert pages - linked == set(), "pages not linked from the index"
    # the index's own body (not only the navigation) names every guide, format page and reference page
    body = dom.split('class="md-content"', 1)[1]
    assert pages - {"index.html"} - _local_targets("index.html", _parse(body).hrefs) == set()


@pytest.mark.parametrize("page", ["getting-started.html", "guides/link-engineer.html", "examples.html",
                                  "formats/link.html", "reference/photonics.html", "benchmarks.html",
                                  "architecture.html"])
def test_site_pages_render_without_console_errors(site, open_in_chromium, page):
    dom, console = open_in_chromium(site / page)
    assert console == [], console
    links = _parse(dom)
    for target in _local_targets(page, links.hrefs + links.images):
        assert (site / target).exists(), f"{page} links to a missing {target}"
    if page == "examples.html":
        assert len([s for s in links.images if s.startswith("gallery/")]) == len(list((ROOT / "examples").glob("*.py")))
    if page == "formats/link.html":
        assert "spans[].length_km" in dom and "(0, 10000]" in dom  # the schema's table rendered
    if page == "reference/photonics.html":
        assert 'id="photonics.rings.RingModulator"' in dom
