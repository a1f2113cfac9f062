"""Environ text helpers: PEP 3333 string encoding, query encoding, header keys."""

from __future__ import annotations

import typing as t
from urllib.parse import urlencode

from ..datastructures import Headers
from ._multipart import iter_multi_items

if t.TYPE_CHECKING:
    from _typeshed.wsgi import WSGIEnvironment

# COMPAT: the characters Werkzeug leaves unquoted in an urlencoded query or form.
_URLENCODE_SAFE = "!$'()*,/:;?@"
# COMPAT: what Werkzeug's iri_to_uri keeps as it is in a path.
PATH_SAFE = "/:@!$&'()*+,;=%~"
# Quoting a decoded PATH_INFO must also protect "%" and "?" so they survive.
RAW_PATH_SAFE = "/:@!$&'()*+,;=~"
_ENVIRON_HEADERS = {"CONTENT_TYPE": "Content-Type", "CONTENT_LENGTH": "Content-Length"}


def wsgi_encode(value: str) -> str:
    """Return ``value`` as PEP 3333 wants it: UTF-8 bytes decoded as latin-1."""
    return value.encode().decode("latin-1")


def wsgi_decode(value: str) -> str:
    """Undo :func:`wsgi_encode` (invalid UTF-8 is replaced)."""
    return value.encode("latin-1").decode(errors="replace")


def urlencode_multi(data: t.Any) -> str:
    """Encode a mapping or ``MultiDict`` as ``application/x-www-form-urlencoded``."""
    return urlencode(
        [(key, value) for key, value in iter_multi_items(data) if value is not None],
        safe=_URLENCODE_SAFE,
    )


def headers_from_environ(environ: WSGIEnvironment) -> Headers:
    """Return the request headers of an environ (``HTTP_*`` and the content keys)."""
    headers = Headers()
    for key, value in environ.items():
        if key.startswith("HTTP_"):
            headers.add(key[5:].replace("_", "-").title(), value)
        elif key in _ENVIRON_HEADERS and value:
            headers.add(_ENVIRON_HEADERS[key], value)
    return headers


def split_host(host: str, scheme: str) -> tuple[str, int]:
    """Split ``host`` into name and port (the scheme's default when absent)."""
    if host.startswith("["):
        name, _, rest = host.partition("]")
        name += "]"
        port = rest[1:] if rest.startswith(":") else ""
    else:
        name, _, port = host.partition(":")
    if port.isdigit():
        return name, int(port)
    return name, 443 if scheme == "https" else 80
