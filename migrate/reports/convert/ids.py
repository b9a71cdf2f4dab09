"""QuickSight ids ([\\w-]{1,512}) and names made from Power Bi's, stable across runs so a redeploy
updates rather than duplicates."""

from __future__ import annotations

import hashlib
import re


def object_id(*parts: str) -> str:
    readable = re.sub(r"[^\w-]+", "-", "-".join(parts)).strip("-").lower()[:80]
    digest = hashlib.sha256("\0".join(parts).encode()).hexdigest()[:10]
    return f"{readable}-{digest}" if readable else digest
