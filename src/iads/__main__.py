"""``iads`` and ``python -m iads``: set up interruption first, then load the command line.

Ctrl-C and SIGTERM get their handlers (:mod:`iads.interrupt`) before Typer, Rich or JAX load,
so that a signal during start-up, too, ends with one line and exit 128 + signal.
"""

from __future__ import annotations


def main() -> None:
    """Console entry point."""
    from iads import interrupt

    interrupt.install()
    from iads.cli import app

    app(prog_name="iads")


if __name__ == "__main__":
    main()
