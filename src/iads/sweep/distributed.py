"""The Dask backend: each chunk of points a task on a Dask cluster; its tables come back and are
written here, so the workers need no shared file system.

``local`` or ``local:N`` starts a ``LocalCluster`` of N worker processes (default: one per
core), one thread each, each held to its share of the cores (XLA would otherwise start a
thread per core in every worker, and N workers would fight over the same cores);
``tcp://host:port`` connects to a running scheduler. On an HPC system,
start the scheduler and workers with dask-jobqueue (e.g. ``SLURMCluster``) and pass the
scheduler's address. A worker that dies mid-task has its task rerun elsewhere by the scheduler
(up to Dask's ``distributed.scheduler.allowed-failures``); each point is written once, when its
first result arrives. Workers need iads installed and, for a scenario with terrain, its DEM at
the same path.
"""

from __future__ import annotations

import contextlib
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from distributed import Client, LocalCluster, as_completed
from distributed.diagnostics.plugin import WorkerPlugin

from iads.errors import InputError
from iads.sweep.points import Chunk, run_chunk
from iads.sweep.run import Counter, Done, device_name

_LOCAL = re.compile(r"^local(?::(\d+))?$")
_TCP = re.compile(r"^(tcp|tls)://[^\s/:]+:\d+$")


@dataclass(frozen=True)
class DaskAddress:
    """A local cluster of ``workers`` processes (0: one per core; threads of this process when
    not ``processes``), or a scheduler address."""

    workers: int = 0
    scheduler: str | None = None
    processes: bool = True


def parse_address(source: str | Path, text: str) -> DaskAddress:
    """Parse ``--dask``: ``local``, ``local:N`` or ``tcp://host:port``."""
    m = _LOCAL.match(text)
    if m:
        n = int(m.group(1)) if m.group(1) else 0
        if m.group(1) and n < 1:
            raise InputError(source, "--dask", f"needs at least 1 worker, got {text!r}")
        return DaskAddress(workers=n)
    if _TCP.match(text):
        return DaskAddress(scheduler=text)
    raise InputError(source, "--dask", f"expected local, local:N or tcp://host:port, got {text!r}")


def _worker_device() -> str:
    return device_name()


def core_share(index: int, workers: int, cores: list[int]) -> list[int]:
    """The cores of local worker ``index`` of ``workers``: an equal contiguous share of
    ``cores`` (a worker per core: one each; more workers than cores: shared round robin)."""
    if workers >= len(cores):
        return [cores[index % len(cores)]]
    lo, hi = index * len(cores) // workers, (index + 1) * len(cores) // workers
    return cores[lo:hi]


class ShareCores(WorkerPlugin):  # type: ignore[misc]
    """A Dask worker plugin: hold every thread of a local worker process (and the threads it
    starts later, XLA's among them) to :func:`core_share` of the machine's cores."""

    def __init__(self, workers: int, cores: list[int]) -> None:
        self.workers, self.cores = workers, cores

    def setup(self, worker: Any) -> None:
        """Set the affinity of every thread of this worker process (Linux only)."""
        name = str(worker.name)
        if not hasattr(os, "sched_setaffinity") or not name.isdigit():
            return
        share = core_share(int(name), self.workers, self.cores)
        for tid in os.listdir("/proc/self/task"):
            with contextlib.suppress(OSError):  # a thread that ended meanwhile
                os.sched_setaffinity(int(tid), share)


class DaskBackend:
    """Run points as Dask tasks (see the module docstring)."""

    reports_replications = False

    def __init__(self, address: DaskAddress) -> None:
        self.address = address
        self._cluster: Any = None
        self._client: Any = None

    def __enter__(self) -> DaskBackend:
        """Start the local cluster, or connect to the scheduler."""
        if self.address.scheduler is None:
            n = self.address.workers or os.cpu_count() or 1
            self._cluster = LocalCluster(
                n_workers=n,
                threads_per_worker=1,
                processes=self.address.processes,
                dashboard_address=None,
            )
            self._client = Client(self._cluster)
            if self.address.processes and hasattr(os, "sched_getaffinity"):
                self._client.register_plugin(ShareCores(n, sorted(os.sched_getaffinity(0))))
        else:
            try:
                self._client = Client(self.address.scheduler, timeout="20s")
            except OSError as exc:
                raise InputError(
                    self.address.scheduler, "--dask", f"cannot reach the scheduler: {exc}"
                ) from None
        return self

    def __exit__(self, *exc: object) -> None:
        """Close the client (and the local cluster)."""
        if self._client is not None:
            self._client.close()
        if self._cluster is not None:
            self._cluster.close()

    @property
    def client(self) -> Any:
        """The ``distributed.Client`` (inside the ``with`` block)."""
        return self._client

    def run(self, chunks: tuple[Chunk, ...], done: Done, replications_done: Counter) -> None:
        """Submit every chunk; write each point's result as its chunk's arrive."""
        futures = {self._client.submit(run_chunk, chunk, pure=False): chunk for chunk in chunks}
        for future in as_completed(futures):
            for job, table in zip(futures[future].jobs, future.result(), strict=True):
                done(job, table)
            future.release()

    def workers(self) -> int:
        """The cluster's workers now (at least 1)."""
        return max(1, len(self._client.scheduler_info()["workers"]))

    def device(self) -> str:
        """The workers' devices."""
        devices = sorted(set(self._client.run(_worker_device).values()))
        workers = len(self._client.scheduler_info()["workers"])
        return f"{workers} Dask worker{'s' if workers != 1 else ''} ({', '.join(devices)})"
