"""Safe YAML loading with errors that name the file and line."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from iads.errors import InputError


class _UniqueKeyLoader(yaml.SafeLoader):
    """SafeLoader that refuses a mapping with the same key twice."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)  # type: ignore[no-untyped-call]
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"key {key!r} appears twice", key_node.start_mark
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


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
        return yaml.load(text, Loader=_UniqueKeyLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        line = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "?"
        raise InputError(p, line, f"malformed YAML: {exc.problem}") from None
    except yaml.YAMLError as exc:
        raise InputError(p, None, f"malformed YAML: {exc}") from None
