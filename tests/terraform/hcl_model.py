"""The Terraform tree as python-hcl2 parses it, with the quoting stripped and blocks made plain.

python-hcl2 (v7+) keeps string literals quoted (``'"x"'``), writes expressions as ``'${...}'`` and
marks nested blocks with ``__is_block__``. ``Module`` gives one directory's variables, locals,
outputs, resources, data sources and module calls; ``references`` pulls the names an expression
refers to.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import hcl2

ROOT = Path(__file__).resolve().parents[2]
TERRAFORM = ROOT / "terraform"
META_KEYS = {"__is_block__", "__comments__", "__inline_comments__"}
REFERENCE = re.compile(
    r"(?<![\w.])(var|local|module|data|aws_[a-z0-9_]+)\.([A-Za-z_][\w-]*)((?:\[[^\]]*\]|\.[A-Za-z_][\w-]*)*)"
)


def unquote(value: Any) -> Any:
    if isinstance(value, str) and len(value) >= 2 and value[0] == value[-1] == '"':
        return value[1:-1]
    return value


def is_block(value: Any) -> bool:
    return (
        isinstance(value, list)
        and bool(value)
        and all(isinstance(v, dict) and v.get("__is_block__") for v in value)
    )


def clean(body: dict[str, Any]) -> dict[str, Any]:
    return {unquote(k): v for k, v in body.items() if k not in META_KEYS}


def labelled(blocks: list[dict[str, Any]], depth: int) -> Iterator[tuple[tuple[str, ...], dict[str, Any]]]:
    """``resource "a" "b" {}`` parses as ``[{'"a"': {'"b"': body}}]``: yield (("a", "b"), body)."""
    for entry in blocks:
        for key, inner in entry.items():
            if key in META_KEYS:
                continue
            if depth == 1:
                yield (unquote(key),), clean(inner)
            else:
                for labels, body in labelled([inner], depth - 1):
                    yield (unquote(key), *labels), body


def expressions(value: Any) -> Iterator[str]:
    """Every string in a value, recursively (expressions and literals alike)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for k, v in value.items():
            if k not in META_KEYS:
                yield from expressions(v)
    elif isinstance(value, list):
        for v in value:
            yield from expressions(v)


def interpolations(text: str) -> Iterator[str]:
    """The code inside each ``${...}`` of a string, braces matched."""
    start = text.find("${")
    while start != -1:
        depth, i = 0, start + 1
        while i < len(text):
            if text[i] == "{":
                depth += 1
            elif text[i] == "}":
                depth -= 1
                if depth == 0:
                    break
            i += 1
        yield text[start + 2 : i]
        start = text.find("${", i)


def references(value: Any) -> Iterator[tuple[str, str, str]]:
    """(kind, name, rest) for every var./local./module./data./aws_* reference in a value."""
    for text in expressions(value):
        for code in interpolations(text):
            for match in REFERENCE.finditer(code):
                yield match.group(1), match.group(2), match.group(3)


@dataclass
class Module:
    path: Path
    files: dict[Path, dict[str, Any]] = field(default_factory=dict)

    def blocks(self, kind: str) -> list[dict[str, Any]]:
        return [b for parsed in self.files.values() for b in parsed.get(kind, [])]

    @functools.cached_property
    def variables(self) -> dict[str, dict[str, Any]]:
        return {labels[0]: body for labels, body in labelled(self.blocks("variable"), 1)}

    @functools.cached_property
    def outputs(self) -> dict[str, dict[str, Any]]:
        return {labels[0]: body for labels, body in labelled(self.blocks("output"), 1)}

    @functools.cached_property
    def locals(self) -> dict[str, Any]:
        found: dict[str, Any] = {}
        for block in self.blocks("locals"):
            found.update(clean(block))
        return found

    @functools.cached_property
    def resources(self) -> dict[tuple[str, str], dict[str, Any]]:
        return {(labels[0], labels[1]): body for labels, body in labelled(self.blocks("resource"), 2)}

    @functools.cached_property
    def data(self) -> dict[tuple[str, str], dict[str, Any]]:
        return {(labels[0], labels[1]): body for labels, body in labelled(self.blocks("data"), 2)}

    @functools.cached_property
    def calls(self) -> dict[str, dict[str, Any]]:
        return {labels[0]: body for labels, body in labelled(self.blocks("module"), 1)}

    def called(self, name: str) -> Module:
        return load_module((self.path / unquote(self.calls[name]["source"])).resolve())

    def everything(self) -> Iterator[Any]:
        yield from self.locals.values()
        for group in (self.outputs, self.calls, self.variables):
            yield from group.values()
        for blocks in (self.resources, self.data):
            yield from blocks.values()


@functools.cache
def load_module(path: Path) -> Module:
    module = Module(path)
    for tf in sorted(path.glob("*.tf")):
        module.files[tf] = hcl2.loads(tf.read_text())
    return module


def module_dirs() -> list[Path]:
    return sorted({tf.parent for tf in TERRAFORM.rglob("*.tf") if ".terraform" not in tf.parts})
