"""Safe YAML loading with errors that name the file and line.

Input files are refused, with one line naming the file and the problem, before anything
large is allocated when they are

- larger than :data:`MAX_FILE_BYTES` (checked on the file's size, then on a bounded read);
- empty, or only comments;
- not UTF-8 text (NUL bytes, bytes that are not UTF-8, control characters);
- nested deeper than :data:`MAX_DEPTH` (the composer is recursive: 20,000 brackets end in a
  ``RecursionError``);
- more than :data:`MAX_NODES` nodes once aliases are expanded (an alias bomb: PyYAML builds
  shared references cheaply, but validation walks the expanded tree).

The depth and node counts are taken on the event stream (``yaml.parse``, not recursive, kept
in constant memory) before anything is composed, with libyaml's parser when it is there; the
loader counts the same way as it composes, so the limits hold whichever parser ran.
"""

from __future__ import annotations

import stat
from pathlib import Path
from typing import Any

import yaml

from iads.errors import InputError

MAX_FILE_BYTES = 16 * 2**20
"""Largest input file read, in bytes (16 MiB). Scenario and catalog files are a few kB (the
largest bundled one is under 30 kB); anything near this size is a mistake or an attack, and
the pure-Python loader takes seconds per MiB."""

MAX_DEPTH = 64
"""Deepest nesting of mappings and sequences accepted. Bundled files nest 5 deep."""

MAX_NODES = 1_000_000
"""Most YAML nodes (scalars, mappings, sequences) accepted, counting each alias as the size of
the node it names. Bundled files hold about 1,000."""

# libyaml's event parser when PyYAML was built with it (about 20 times faster), else none:
# the counting loader below then enforces the limits on its own.
_FAST_LOADER: type[Any] | None = getattr(yaml, "CSafeLoader", None)


def _at(mark: Any) -> str | None:
    """``line L, column C`` (1-based) of a PyYAML or libyaml mark, or None."""
    return f"line {mark.line + 1}, column {mark.column + 1}" if mark else None


class _Budget:
    """Nesting depth and expanded node count of one YAML event stream, checked per event."""

    def __init__(self, source: Path) -> None:
        self.source = source
        self.depth = 0
        self.nodes = 0  # nodes so far, each alias counted as the size of its anchor's node
        self.anchor_nodes: dict[str, int] = {}  # finished anchored nodes -> their size
        self.open: list[tuple[str | None, int]] = []  # open collections: (anchor, nodes before)

    def _error(self, event: yaml.Event, problem: str) -> InputError:
        return InputError(self.source, _at(event.start_mark), problem)

    def _add(self, n: int, event: yaml.Event) -> None:
        self.nodes += n
        if self.nodes > MAX_NODES:
            raise self._error(
                event,
                f"more than {MAX_NODES:,} YAML nodes once aliases are expanded "
                "(the limit for an input file; an alias bomb?)",
            )

    def see(self, event: yaml.Event) -> None:
        """Count one event; raise :class:`InputError` when a limit is passed."""
        if isinstance(event, yaml.AliasEvent):
            anchor = event.anchor
            if any(a == anchor for a, _ in self.open):
                raise self._error(event, f"alias *{anchor} is inside the node it names (a cycle)")
            if anchor in self.anchor_nodes:  # an undefined alias is the composer's to report
                self._add(self.anchor_nodes[anchor], event)
        elif isinstance(event, yaml.ScalarEvent):
            self._add(1, event)
            if event.anchor is not None:
                self.anchor_nodes[event.anchor] = 1
        elif isinstance(event, yaml.CollectionStartEvent):
            self._add(1, event)
            self.depth += 1
            if self.depth > MAX_DEPTH:
                raise self._error(
                    event, f"nested more than {MAX_DEPTH} levels deep (the limit for an input file)"
                )
            self.open.append((event.anchor, self.nodes - 1))
        elif isinstance(event, yaml.CollectionEndEvent):
            anchor, before = self.open.pop()
            self.depth -= 1
            if anchor is not None:
                self.anchor_nodes[anchor] = self.nodes - before
        elif isinstance(event, yaml.DocumentEndEvent):
            self.anchor_nodes.clear()  # anchors do not outlive their document


class _UniqueKeyLoader(yaml.SafeLoader):
    """SafeLoader that refuses a mapping with the same key twice and counts what it composes."""

    def __init__(self, stream: str, budget: _Budget) -> None:
        super().__init__(stream)
        self.budget = budget

    def get_event(self) -> Any:
        event = super().get_event()  # type: ignore[no-untyped-call]
        self.budget.see(event)
        return event

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


def _read_text(p: Path) -> str:
    """The file as text, refusing a missing, huge, empty or binary file."""
    try:
        st = p.stat()
        if stat.S_ISDIR(st.st_mode):
            raise IsADirectoryError
        if stat.S_ISREG(st.st_mode) and st.st_size > MAX_FILE_BYTES:
            raise InputError(p, None, _too_large(f"{st.st_size / 2**20:,.1f} MiB"))
        with p.open("rb") as f:
            data = f.read(MAX_FILE_BYTES + 1)  # bounded: a device or pipe may report size 0
    except FileNotFoundError:
        raise InputError(p, None, "file not found") from None
    except IsADirectoryError:
        raise InputError(p, None, "is a directory, not a file") from None
    except OSError as exc:
        raise InputError(p, None, f"cannot read: {exc}") from None
    if len(data) > MAX_FILE_BYTES:
        raise InputError(p, None, _too_large(f"over {MAX_FILE_BYTES // 2**20} MiB"))
    if not data:
        raise InputError(p, None, "the file is empty")
    if b"\x00" in data:
        offset = data.index(b"\x00")
        raise InputError(p, None, f"not a YAML text file (a NUL byte at offset {offset})")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(
            p,
            None,
            f"not a YAML text file (byte 0x{data[exc.start]:02X} at offset {exc.start} "
            "is not UTF-8)",
        ) from None
    if not text.strip():  # before PyYAML, which refuses a tab that starts a line
        raise InputError(p, None, "the file is empty (only blank lines)")
    return text


def _too_large(size: str) -> str:
    return (
        f"the file is {size}; input files may be at most {MAX_FILE_BYTES // 2**20} MiB "
        "(scenario and catalog files are a few kB)"
    )


def _line_column(text: str, position: int) -> str:
    """``line L, column C`` (1-based) of a character offset into ``text``."""
    line = text.count("\n", 0, position) + 1
    line_start = text.rfind("\n", 0, position) + 1
    return f"line {line}, column {position - line_start + 1}"


def load_yaml(path: str | Path) -> Any:
    """Safe-load one YAML document; raise :class:`InputError` for a missing or malformed file.

    Also refused, each with one line naming the file: a file larger than
    :data:`MAX_FILE_BYTES`, an empty one (or only comments), one that is not UTF-8 text, and
    one nested deeper than :data:`MAX_DEPTH` or holding more than :data:`MAX_NODES` nodes once
    aliases are expanded.
    """
    p = Path(path)
    text = _read_text(p)
    try:
        if _FAST_LOADER is not None:
            try:
                budget = _Budget(p)
                for event in yaml.parse(text, Loader=_FAST_LOADER):
                    budget.see(event)
            except yaml.YAMLError:
                pass  # the pure-Python loader reports it, in its own words, and counts too
        loader = _UniqueKeyLoader(text, _Budget(p))
        try:
            data = loader.get_single_data()
        finally:
            loader.dispose()  # type: ignore[no-untyped-call]
    except yaml.reader.ReaderError as exc:
        where = _line_column(text, exc.position)
        raise InputError(
            p, where, f"not a YAML text file (character #x{exc.character:02X} is not allowed)"
        ) from None
    except yaml.MarkedYAMLError as exc:
        raise InputError(
            p, _at(exc.problem_mark) or "?", f"malformed YAML: {exc.problem}"
        ) from None
    except yaml.YAMLError as exc:
        raise InputError(p, None, f"malformed YAML: {exc}") from None
    if loader.budget.nodes == 0:
        raise InputError(p, None, "the file is empty (only comments)")
    return data
