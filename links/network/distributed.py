"""All-pairs path budgets of large networks on Dask, in chunks of sources, with the sweep engine's schedulers.

`all_pairs_dask` splits the sources into chunks; each chunk is one Dask task that computes the shortest-path
trees of its sources and their lightpaths (`links.network.tree.tree_results`) on a worker that holds the
network (scattered once to every worker; its evaluation caches are rebuilt there and shared by the chunks it
runs). The driver gathers the per-source arrays into the same `links.network.table.PathTable` as
`links.network.paths.all_pairs`. Segments are evaluated at their input powers rounded to 1e-9 dB
(`links.network.engine.segment`), so no result depends on which worker or chunk met a hop first: the table
equals the serial one.

Schedulers as in `links.sweep.run_sweep`: ``"sync"`` (in-process, chunk by chunk — the same chunking without
Dask), ``"local"`` (a ``distributed.LocalCluster`` of ``workers`` processes, one thread each) or the address of
a running Dask scheduler (``"tcp://host:8786"``).
"""

from __future__ import annotations

import math

from optolink.core.validate import check_int


def source_chunk(network, sources, targets) -> list:
    """The `TreeResult`s of ``sources`` to ``targets`` (transceiver uids): one task."""
    from .tree import shortest_path_trees, tree_results

    dist, pred = shortest_path_trees(network, sources)
    out = []
    for r, s in enumerate(sources):
        out += tree_results(network, s, targets, dist[r], pred[r])
    return out


def all_pairs_dask(network, modes=(), *, sources=None, targets=None, scheduler: str = "local",
                   workers: int | None = None, chunk_size: int | None = None):
    """`links.network.paths.all_pairs` in chunks of ``chunk_size`` sources (default: about four chunks per
    worker) on the given scheduler; returns the same `PathTable`."""
    from .table import PathTable

    trx = network.transceivers()
    sources = trx if sources is None else [network._uid(x) for x in sources]
    targets = trx if targets is None else [network._uid(x) for x in targets]
    if workers is not None:
        check_int("workers", workers, low=1)
    n_workers = workers or 2
    if chunk_size is None:
        chunk_size = max(1, math.ceil(len(sources) / (4 * n_workers)))
    check_int("chunk_size", chunk_size, low=1)
    chunks = [sources[k:k + chunk_size] for k in range(0, len(sources), chunk_size)]
    order = [(s, d) for s in sources for d in targets]
    if scheduler == "sync":
        results = []
        for c in chunks:
            results += source_chunk(network, c, targets)
        return PathTable(results, modes, order=order)
    return PathTable(_run_dask(network, chunks, targets, scheduler, workers), modes, order=order)


def _run_dask(network, chunks, targets, scheduler, workers) -> list:
    from ..sweep import dask_client

    client, cluster = dask_client(scheduler, workers)
    try:
        net = client.scatter(network, broadcast=True)
        futures = [client.submit(source_chunk, net, c, targets, pure=False) for c in chunks]
        results = []
        for chunk_results in client.gather(futures):  # in chunk order
            results += chunk_results
        return results
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
