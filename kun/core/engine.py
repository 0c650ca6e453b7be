"""Execution engines: `local` (this process and its worker processes) or `ray` (Ray Data).

`dedup.engine` and `llm.engine` in params.yaml pick one. The ray engine runs the same
functions as the local one, only partitioned over a Ray cluster, so outputs are identical
(tests/test_ray_engine.py checks this on a two-node local cluster).

Which cluster: Ray's own convention. With RAY_ADDRESS set (`ray start --head` on one node,
`ray start --address=HEAD:6379` on the others, then `export RAY_ADDRESS=HEAD:6379`), stages
join that cluster; without it, a private single-node Ray starts for the stage and stops with it.
Every node needs the same Python environment (`pip install -e '.[ray]'`) and the same paths
for models and data (a shared filesystem, or the same checkout on each node).
"""

from __future__ import annotations

import logging
import os
import socket
from typing import Any, Literal

from kun.core.errors import KunError

Engine = Literal["local", "ray"]


def import_ray() -> Any:
    try:
        import ray
    except ImportError:
        raise KunError(
            "engine: ray needs Ray Data: pip install -e '.[ray]' (or set the engine back to local in params.yaml)"
        ) from None
    return ray


def _check_reachable(address: str) -> None:
    """Fail in seconds with one line when RAY_ADDRESS names a host:port nobody listens on
    (ray.init would retry for minutes). `auto`, `local` and other forms are left to Ray."""
    host, _, port = address.removeprefix("ray://").rpartition(":")
    if not host or not port.isdigit():
        return
    try:
        socket.create_connection((host, int(port)), timeout=5).close()
    except OSError as error:
        raise KunError(
            f"cannot reach the Ray cluster at RAY_ADDRESS={address} ({error}); start it with `ray start --head` or unset RAY_ADDRESS for a local Ray"
        ) from None


def init_ray() -> Any:
    """Connect to the cluster named by RAY_ADDRESS, or start a private local one; return `ray`.

    Ray Data is set up for kun's jobs: sort-based shuffles (task based, so a small grouping costs
    a fraction of a second instead of starting hash-shuffle actors) and progress bars only when
    kun shows progress.
    """
    ray = import_ray()
    if not ray.is_initialized():
        address = os.environ.get("RAY_ADDRESS") or None
        if address:
            _check_reachable(address)
        try:
            ray.init(address=address, include_dashboard=False, log_to_driver=False, configure_logging=False)
        except ConnectionError as error:
            raise KunError(
                f"cannot reach the Ray cluster at RAY_ADDRESS={address}: {error}; start it with `ray start --head` "
                "or unset RAY_ADDRESS for a local Ray"
            ) from None
    from ray.data import DataContext
    from ray.data.context import ShuffleStrategy

    context = DataContext.get_current()
    context.shuffle_strategy = ShuffleStrategy.SORT_SHUFFLE_PULL_BASED
    context.enable_progress_bars = not os.environ.get("KUN_NO_PROGRESS")
    context.print_on_execution_start = False
    # Ray Data logs every job start and finish to the console at INFO; kun's own progress and
    # metrics say enough. Its log file in the Ray session directory keeps everything.
    logging.getLogger("ray").setLevel(logging.WARNING)
    for handler in logging.getLogger("ray.data").handlers:
        if handler.name == "console":
            handler.setLevel(logging.WARNING)
    return ray


def cluster_cpus() -> int:
    ray = init_ray()
    return max(1, int(ray.cluster_resources().get("CPU", 1)))
