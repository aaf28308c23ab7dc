"""Interrupting a command (Ctrl-C, SIGTERM): one line, nothing left behind, exit 128 + signal.

A command's work runs in a worker thread (:func:`run_interruptibly`) while the main thread
waits. Python runs signal handlers only in the main thread, between bytecodes: with the work
in the main thread, Ctrl-C would wait for the end of a long XLA computation, and the
``KeyboardInterrupt`` then unwinding through JAX while XLA's threads still run can end in a
segmentation fault at exit. Here the handler (:func:`install`) answers at once: it removes every
temporary path that an output writer registered (:func:`temporary`), prints one line and ends
the process with ``os._exit``, so no interpreter teardown races XLA's threads.

The one step that must not be cut in half, renaming a finished temporary directory into place
(and swapping out an earlier run's), runs under :func:`committing`: the handler waits for it,
so an interrupted command leaves either nothing or a complete output.
"""

from __future__ import annotations

import os
import shutil
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from types import FrameType
from typing import Any, TypeVar

T = TypeVar("T")

#: Signals that interrupt a command, and the name printed for each.
SIGNALS = {signal.SIGINT: "Ctrl-C", signal.SIGTERM: "SIGTERM"}

#: How long the handler keeps retrying to remove a temporary directory that a worker is still
#: writing into (s).
REMOVE_TIMEOUT_S = 5.0

_lock = threading.RLock()
_temporary: dict[Path, tuple[Path, ...]] = {}  # temporary dir -> parents created for it
_completed: list[Path] = []
_stopping = False


class CommandInterrupted(Exception):  # noqa: N818 (not an error: a stop)
    """Raised in a worker that reaches :func:`committing` after the command was interrupted."""


@contextmanager
def temporary(path: Path, created_parents: tuple[Path, ...] = ()) -> Iterator[None]:
    """Register ``path`` (and the empty parents made for it) for removal on interruption."""
    with _lock:
        if _stopping:
            raise CommandInterrupted("interrupted")
        _temporary[path] = created_parents
    try:
        yield
    finally:
        with _lock:
            _temporary.pop(path, None)


@contextmanager
def committing(destination: Path) -> Iterator[None]:
    """Run the rename of a finished output into place without being interrupted half-way."""
    with _lock:
        if _stopping:
            raise CommandInterrupted("interrupted")
        yield
        _completed.append(destination)


def remove_empty(dirs: Iterable[Path]) -> None:
    """Remove directories made for an output (deepest first) while they are empty."""
    for d in dirs:
        try:
            d.rmdir()
        except FileNotFoundError:
            continue  # already gone (the worker and the signal handler may race here)
        except OSError:
            return


def _remove(path: Path, parents: tuple[Path, ...]) -> None:
    deadline = time.monotonic() + REMOVE_TIMEOUT_S
    while path.exists() or path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
        if time.monotonic() > deadline:
            break
        time.sleep(0.01)
    remove_empty(parents)


def _handle(signum: int, frame: FrameType | None) -> None:
    global _stopping
    with _lock:  # waits for a rename in progress (in the worker) to finish
        _stopping = True
        pending = list(_temporary.items())
        completed = list(_completed)
    for path, parents in pending:
        _remove(path, parents)
    what = SIGNALS.get(signal.Signals(signum), f"signal {signum}")
    if completed:
        told = f"iads: interrupted ({what}); the results in {completed[-1]} were already complete"
    else:
        told = f"iads: interrupted ({what}); nothing was written"
    for stream in (sys.stdout, sys.stderr):
        with suppress(OSError, ValueError):
            stream.flush()
    with suppress(OSError):
        os.write(2, (told + "\n").encode())
    os._exit(128 + signum)


def install() -> None:
    """Make Ctrl-C and SIGTERM end the process as described above (main thread only)."""
    for sig in SIGNALS:
        signal.signal(sig, _handle)


def run_interruptibly(work: Callable[[], T]) -> T:
    """Run ``work`` in a worker thread and return its result (or raise its exception).

    Called outside the main thread, it just runs ``work``. The main thread waits in short
    joins, during which signal handlers run at once.
    """
    if threading.current_thread() is not threading.main_thread():
        return work()
    outcome: dict[str, Any] = {}

    def target() -> None:
        try:
            outcome["value"] = work()
        except BaseException as exc:  # handed to the main thread
            outcome["error"] = exc

    worker = threading.Thread(target=target, name="iads-command", daemon=True)
    worker.start()
    while worker.is_alive():
        worker.join(0.1)
    if "error" in outcome:
        raise outcome["error"]
    value: T = outcome["value"]
    return value
