"""A picture of a layout: its polygons per layer drawn with matplotlib (headless), written atomically."""

from __future__ import annotations

import pathlib

import klayout.db as kdb

from optolink.core.files import save_figure_atomic

# drawing order and colours (GDS layer → (face colour, alpha)); unlisted layers are not drawn
STYLE: dict[tuple[int, int], tuple[str, float]] = {
    (64, 0): ("#f4f4f4", 1.0),  # FLOORPLAN
    (100, 0): ("#999999", 0.6),  # DICING
    (4, 0): ("#c9b28f", 0.7),  # DEEPTRENCH
    (3, 0): ("#9ecae1", 0.6),  # SLAB90
    (20, 0): ("#a1d99b", 0.5), (22, 0): ("#74c476", 0.5), (24, 0): ("#31a354", 0.5),  # N, NP, NPP
    (21, 0): ("#fcbba1", 0.5), (23, 0): ("#fc9272", 0.5), (25, 0): ("#de2d26", 0.5),  # P, PP, PPP
    (1, 0): ("#08519c", 1.0),  # WG
    (2, 6): ("#ffffff", 1.0),  # SHALLOW_ETCH
    (5, 0): ("#756bb1", 0.8),  # GE
    (41, 0): ("#bdbdbd", 0.6), (45, 0): ("#969696", 0.6),  # M1, M2
    (47, 0): ("#e6550d", 0.8),  # HEATER
    (49, 0): ("#fdd49e", 0.75),  # MTOP
    (46, 0): ("#fec44f", 0.9),  # PADOPEN
    (66, 0): ("#252525", 1.0),  # TEXT
    (1000, 0): ("#ff00ff", 1.0),  # error layer
}


def picture(layout_or_path, path, *, title: str | None = None, width_in: float = 10.0,
            window: tuple[float, float, float, float] | None = None,
            max_polygons_per_layer: int = 200_000) -> pathlib.Path:
    """Render the single top cell of a GDS file or klayout Layout to a PNG at ``path`` (µm axes).

    ``window`` = (x0, y0, x1, y1) µm zooms on a part of the layout."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.collections import PolyCollection

    if isinstance(layout_or_path, kdb.Layout):
        ly = layout_or_path
    else:
        ly = kdb.Layout()
        ly.read(str(layout_or_path))
    top = ly.top_cells()[0]
    box = top.dbbox() if window is None else kdb.DBox(*window)
    aspect = box.height() / max(box.width(), 1e-9)
    fig, ax = plt.subplots(figsize=(width_in, max(2.0, min(width_in * aspect, 3 * width_in))))
    for lay, (colour, alpha) in STYLE.items():
        li = ly.find_layer(*lay)
        if li is None:
            continue
        region = kdb.Region(top.begin_shapes_rec(li)).merged()
        if window is not None:
            region &= kdb.Region(box.to_itype(ly.dbu))
        polys = []
        for i, poly in enumerate(region.each()):
            if i >= max_polygons_per_layer:
                break
            d = poly.to_dtype(ly.dbu)
            if d.holes():
                for trap in kdb.Region(poly).decompose_trapezoids_to_region().each():
                    polys.append([(p.x * ly.dbu, p.y * ly.dbu) for p in trap.each_point_hull()])
            else:
                polys.append([(p.x, p.y) for p in d.each_point_hull()])
        if polys:
            ax.add_collection(PolyCollection(polys, facecolors=colour, edgecolors="none", alpha=alpha))
    ax.set_xlim(box.left, box.right)
    ax.set_ylim(box.bottom, box.top)
    ax.set_aspect("equal")
    ax.set_xlabel("x (µm)")
    ax.set_ylabel("y (µm)")
    ax.set_title(title or top.name)
    fig.tight_layout()
    out = save_figure_atomic(fig, path, dpi=150)
    plt.close(fig)
    return out
