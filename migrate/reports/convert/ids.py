"""QuickSight ids ([\\w-]{1,512}) and names made from Power Bi's, stable across runs so a redeploy
updates rather than duplicates."""

from __future__ import annotations

import hashlib
import re


def object_id(*parts: str) -> str:
    # 48 + 1 + 10 characters: inside the 64 a data set's table and column ids may have
    readable = re.sub(r"[^\w-]+", "-", "-".join(parts)).strip("-").lower()[:48].rstrip("-")
    digest = hashlib.sha256("\0".join(parts).encode()).hexdigest()[:10]
    return f"{readable}-{digest}" if readable else digest
