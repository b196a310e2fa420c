"""Where a redirect may go: only a path of this site (DOMAIN §0, Sessions), never another host.

Browsers are lenient: they drop ASCII tabs and newlines inside a URL, treat a backslash as a slash, and
read `//host` as another site, so `/%09/evil.example` (after Flask decodes it: "/\\t/evil.example") ends on
evil.example. A value is judged the way a browser would read it; anything doubtful falls back to the caller's
default. Control characters are refused outright: they must never reach a Location header.
"""

from __future__ import annotations

import re
from urllib.parse import quote, unquote, urlsplit

# ASCII whitespace and control characters (C0, DEL): what browsers strip or what breaks a header
CONTROL = re.compile(r"[\x00-\x20\x7f]")
LAYER_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
# every printable ASCII character stays as it is; anything else (full-width slashes, RTL marks…) is
# percent-encoded, which a browser never turns back into a separator
SAFE = "".join(chr(c) for c in range(0x21, 0x7F))


def _looks_local(value: str) -> bool:
    if not value.startswith("/") or value.startswith("//") or "\\" in value:
        return False
    parts = urlsplit(value)
    return not parts.scheme and not parts.netloc and parts.path.startswith("/") and not parts.path.startswith("//")


def local_path(target) -> str | None:
    """`target` when it is a same-site path ("/my/?page=2"), else None.

    Judged on the value as sent and again after percent-decoding (up to three rounds, for %252F-style
    layers), so that no decoding step further along (a proxy, a second redirect) can turn it into another host.
    """
    if not isinstance(target, str) or not target or len(target) > 2048 or CONTROL.search(target):
        return None
    value = quote(target, safe=SAFE)
    probe = value
    for _ in range(4):
        # a decoded layer may hold a harmless space ("?q=a%20b"), judged as if a browser had dropped it
        if LAYER_CONTROL.search(probe) or not _looks_local(probe.replace(" ", "")):
            return None
        decoded = unquote(probe)
        if decoded == probe:
            break
        probe = decoded
    else:
        return None  # more layers of encoding than any page of ours makes
    return value
