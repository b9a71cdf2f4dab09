"""Fill an ASL template the way Terraform's ``templatefile()`` does, for the sandbox and tests.

Only ``${name}`` interpolations are used in the templates; ``$${`` is a literal ``${`` and ``%{``
directives are refused, as are names the caller did not provide or provided but never used.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

PLACEHOLDER = re.compile(r"(?<!\$)\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
ASL_PATH = Path(__file__).resolve().parent.parent / "stepfunctions" / "snapshot.asl.json"
LOAD_ASL_PATH = ASL_PATH.with_name("load.asl.json")


def placeholders(template: str) -> set[str]:
    return set(PLACEHOLDER.findall(template))


def render_template(template: str, values: dict[str, Any]) -> str:
    if "%{" in template:
        raise ValueError("template directives (%{...}) are not supported")
    wanted = placeholders(template)
    missing = wanted - set(values)
    if missing:
        raise ValueError(f"no value for placeholders {sorted(missing)}")
    unused = set(values) - wanted
    if unused:
        raise ValueError(f"values for unknown placeholders {sorted(unused)}")
    filled = PLACEHOLDER.sub(lambda m: str(values[m.group(1)]), template)
    return filled.replace("$${", "${")


def render_asl(values: dict[str, Any], path: Path = ASL_PATH) -> dict[str, Any]:
    definition: dict[str, Any] = json.loads(render_template(path.read_text(), values))
    return definition
