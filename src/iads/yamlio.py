"""Safe YAML loading with errors that name the file and line."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from iads.errors import InputError


def load_yaml(path: str | Path) -> Any:
    """Safe-load one YAML document; raise :class:`InputError` for a missing or malformed file."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(p, None, "file not found") from None
    except IsADirectoryError:
        raise InputError(p, None, "is a directory, not a file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(p, None, f"cannot read: {exc}") from None
    try:
        return yaml.safe_load(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        line = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "?"
        raise InputError(p, line, f"malformed YAML: {exc.problem}") from None
    except yaml.YAMLError as exc:
        raise InputError(p, None, f"malformed YAML: {exc}") from None
