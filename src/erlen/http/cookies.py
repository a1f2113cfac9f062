"""The ``Cookie`` request header and the ``Set-Cookie`` response header."""

from __future__ import annotations

import collections.abc as cabc
import typing as t
import warnings
from datetime import date
from datetime import datetime
from datetime import timedelta
from time import time
from urllib.parse import quote

from .dates import http_date
from .errors import HeaderTooLargeError

_T = t.TypeVar("_T")

#: Default limit on the number of cookies :func:`parse_cookie` accepts.
MAX_COOKIES = 1000

_BLANKS = " \t"
# A key ends at whitespace, "=", a double quote or ";".
_KEY_STOP = frozenset(' \t=";')
_VALUE_STOP = frozenset(' \t";')
_OCTAL_FIRST = frozenset("0123")
_OCTAL = frozenset("01234567")


def _skip_blanks(text: str, pos: int, end: int) -> int:
    while pos < end and text[pos] in _BLANKS:
        pos += 1
    return pos


def _scan_quoted(text: str, pos: int, end: int) -> int:
    """Return the index after the closing quote of the string at ``pos``, or -1."""
    pos += 1
    while pos < end:
        char = text[pos]
        if char == '"':
            return pos + 1
        if char == "\\":
            # COMPAT: Werkzeug's escape is a backslash and any character
            # except a newline.
            if pos + 1 >= end or text[pos + 1] == "\n":
                return -1
            pos += 2
        else:
            pos += 1
    return -1


def _unslash(inner: str) -> str:
    """Resolve backslash escapes, including ``\\ooo`` octal byte escapes."""
    if "\\" not in inner:
        return inner
    raw = inner.encode()
    out = bytearray()
    pos = 0
    end = len(raw)
    while pos < end:
        byte = raw[pos]
        if byte != 0x5C or pos + 1 >= end or raw[pos + 1] == 0x0A:
            out.append(byte)
            pos += 1
            continue
        octal = raw[pos + 1 : pos + 4].decode("latin-1")
        if len(octal) == 3 and octal[0] in _OCTAL_FIRST and set(octal) <= _OCTAL:
            out.append(int(octal, 8))
            pos += 4
        else:
            out.append(raw[pos + 1])
            pos += 2
    return out.decode(errors="replace")


def _scan_pair(text: str, pos: int, end: int) -> tuple[str, str, int] | None:
    """Match one ``key[=value]`` item at ``pos``; return it and where to go on."""
    pos = _skip_blanks(text, pos, end)
    start = pos
    while pos < end and text[pos] not in _KEY_STOP:
        pos += 1
    if pos == start:
        return None
    key = text[start:pos]
    value = ""
    after_key = pos
    pos = _skip_blanks(text, pos, end)
    if pos < end and text[pos] == "=":
        pos = _skip_blanks(text, pos + 1, end)
        if pos < end and text[pos] == '"':
            close = _scan_quoted(text, pos, end)
            if close < 0:
                # COMPAT: an unterminated quote voids the "=value" part and
                # with it the item, as in Werkzeug.
                return None
            value = _unslash(text[pos + 1 : close - 1])
            pos = close
        else:
            start = pos
            while pos < end and text[pos] not in _VALUE_STOP:
                pos += 1
            value = text[start:pos]
    else:
        pos = after_key
    pos = _skip_blanks(text, pos, end)
    if pos == end:
        return key, value, pos
    if text[pos] == ";":
        return key, value, pos + 1
    return None


def _too_many(max_cookies: int) -> HeaderTooLargeError:
    return HeaderTooLargeError(
        f"The Cookie header has more than {max_cookies} cookies."
    )


def _parse_scanning(
    header: str, pairs: list[tuple[str, str]], max_cookies: int | None
) -> None:
    """Parse any header, character by character (quoted values included)."""
    end = len(header)
    pos = 0
    while pos < end:
        item = _scan_pair(header, pos, end)
        if item is None:
            # Skip the broken item up to the next semicolon.
            pos = header.find(";", pos) + 1
            if pos == 0:
                break
            continue
        key, value, pos = item
        pairs.append((key, value))
        # SECURITY: bound the work and memory one header can cause.
        if max_cookies is not None and len(pairs) > max_cookies:
            raise _too_many(max_cookies)


def _parse_split(
    header: str, pairs: list[tuple[str, str]], max_cookies: int | None
) -> None:
    """Parse a header without double quotes, as :func:`_parse_scanning` would.

    Without quotes an item is exactly the text between two semicolons. Its
    name runs to the first ``=``; blanks (space, tab) around the name and the
    value are dropped, and a blank inside either makes the item invalid.
    """
    # PERF: str.split and str.strip instead of a Python loop per character
    # (a 100-byte session cookie: 3.5 us -> 0.9 us).
    append = pairs.append
    for item in header.split(";"):
        key, _, value = item.partition("=")
        key = key.strip(_BLANKS)
        value = value.strip(_BLANKS)
        if not key or " " in key or "\t" in key or " " in value or "\t" in value:
            continue
        append((key, value))
        # SECURITY: as above.
        if max_cookies is not None and len(pairs) > max_cookies:
            raise _too_many(max_cookies)


@t.overload
def parse_cookie(
    header: str | bytes | None, cls: None = None, *, max_cookies: int | None = ...
) -> list[tuple[str, str]]: ...
@t.overload
def parse_cookie(
    header: str | bytes | None,
    cls: cabc.Callable[[list[tuple[str, str]]], _T],
    *,
    max_cookies: int | None = ...,
) -> _T: ...
def parse_cookie(
    header: str | bytes | None,
    cls: cabc.Callable[[list[tuple[str, str]]], _T] | None = None,
    *,
    max_cookies: int | None = MAX_COOKIES,
) -> list[tuple[str, str]] | _T:
    """Parse a ``Cookie`` header into ``(name, value)`` pairs, in order.

    The parser is as lenient as Werkzeug's: items are separated by ``;``,
    space and tabs around names, ``=`` and values are ignored, a name without
    ``=`` gets the value ``""``, and a double-quoted value has its backslash
    escapes (``\\"``, ``\\\\``, octal ``\\054``) resolved. An item that does
    not fit (a space inside a value, an unterminated quote, an empty name) is
    skipped up to the next ``;``. Repeated names are all kept.

    ``parse_cookie('a=1; b="x\\\\"y"; c')`` gives
    ``[("a", "1"), ("b", 'x"y'), ("c", "")]``.

    :param header: the header value. ``bytes`` are decoded as UTF-8 with
        invalid sequences replaced; a ``str`` is parsed as it is.
    :param cls: if given, called with the list of pairs and its result
        returned (for example ``MultiDict``).
    :param max_cookies: the most items accepted, or ``None`` for no limit.
    :raises HeaderTooLargeError: (431) when there are more than
        ``max_cookies`` items.

    .. note::
        Werkzeug has no limit on the number of cookies, and its
        ``werkzeug.http.parse_cookie`` re-decodes a ``str`` from Latin-1 to
        UTF-8 as a WSGI string. erlen expects decoded text, or the raw bytes.
    """
    if isinstance(header, bytes):
        header = header.decode(errors="replace")
    pairs: list[tuple[str, str]] = []
    if header:
        if '"' in header:
            _parse_scanning(header, pairs, max_cookies)
        else:
            _parse_split(header, pairs, max_cookies)
    if cls is None:
        return pairs
    return cls(pairs)


# RFC 6265 §4.1.1: cookie-octet, plus the characters browsers accept unquoted
# that Werkzeug leaves bare.
_NO_QUOTE = frozenset(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
    "_!#$%&'()*+-./:<=>?@[]^`{|}~"
)
_NO_QUOTE_BYTES = "".join(sorted(_NO_QUOTE)).encode("ascii")
# COMPAT: Werkzeug escapes these bytes inside a quoted value; 0x1a-0x1f and
# space force quoting but stay as they are.
_SLASHED = {
    byte: f"\\{byte:03o}" for byte in (*range(0x1A), 0x2C, 0x3B, *range(0x7F, 0x100))
}
_SLASHED[0x22] = '\\"'
_SLASHED[0x5C] = "\\\\"
_PATH_SAFE = "%!$&'()*+,/:=@"
# What urllib's quote() leaves alone with _PATH_SAFE as its safe characters.
_PATH_PLAIN = frozenset(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-~" + _PATH_SAFE
)
_SAMESITE = frozenset(("Strict", "Lax", "None"))


def _quote_cookie_value(value: str) -> str:
    raw = value.encode()
    # PERF: deleting the plain bytes in C (0.2 us for a session cookie) beats
    # building a set of the characters (1.0 us).
    if not raw.translate(None, _NO_QUOTE_BYTES):
        return value
    slashed = "".join(_SLASHED.get(byte) or chr(byte) for byte in raw)
    return f'"{slashed}"'


def _clean_domain(domain: str) -> str:
    # COMPAT: Werkzeug drops a port and leading dots, and IDNA-encodes the
    # rest (raising UnicodeError for labels IDNA refuses).
    host = domain.partition(":")[0].lstrip(".")
    return host.encode("idna").decode("ascii")


def _expires_text(
    expires: str | datetime | date | int | float | None,
    max_age: int | float | None,
    sync_expires: bool,
) -> str | None:
    if expires is not None:
        if isinstance(expires, str):
            return expires
        return http_date(expires)
    if max_age is not None and sync_expires:
        return http_date(time() + max_age)
    return None


def dump_cookie(
    key: str,
    value: str = "",
    max_age: timedelta | int | None = None,
    expires: str | datetime | date | int | float | None = None,
    path: str | None = "/",
    domain: str | None = None,
    secure: bool = False,
    httponly: bool = False,
    sync_expires: bool = True,
    max_size: int = 4093,
    samesite: str | None = None,
    partitioned: bool = False,
) -> str:
    """Build a ``Set-Cookie`` header value, exactly as Werkzeug writes it.

    Attributes come in the order ``Domain``, ``Expires``, ``Max-Age``,
    ``Secure``, ``HttpOnly``, ``Path``, ``SameSite``, ``Partitioned``. A value
    with characters outside the cookie-octet set is double-quoted with
    backslash and octal escapes; the path is percent-encoded.

    :param key: the cookie name.
    :param value: the cookie value.
    :param max_age: seconds (or a timedelta) until the cookie expires.
    :param expires: an expiry date: a string used as is, a datetime or date,
        or seconds since the epoch.
    :param path: limit the cookie to this path; ``None`` omits ``Path``.
    :param domain: the domain the cookie is valid for; a port and leading dots
        are dropped and the name is IDNA-encoded.
    :param secure: add ``Secure``.
    :param httponly: add ``HttpOnly``.
    :param sync_expires: with ``max_age`` and no ``expires``, also write an
        ``Expires`` that far in the future.
    :param max_size: warn when the header is larger than this many bytes;
        ``0`` turns the check off.
    :param samesite: ``"Strict"``, ``"Lax"`` or ``"None"`` (any case).
    :param partitioned: add ``Partitioned``; implies ``Secure``.
    :raises ValueError: if ``samesite`` is not one of the three values.
    """
    # COMPAT: the name goes on the wire as a WSGI (Latin-1) string.
    key = key.encode().decode("latin-1")
    value = _quote_cookie_value(value)
    # PERF: quote() costs two Python calls; most paths have nothing to quote.
    if path is not None and not _PATH_PLAIN.issuperset(path):
        path = quote(path, safe=_PATH_SAFE)
    if domain:
        domain = _clean_domain(domain)
    if isinstance(max_age, timedelta):
        max_age = int(max_age.total_seconds())
    expires = _expires_text(expires, max_age, sync_expires)
    if samesite is not None:
        samesite = samesite.title()
        if samesite not in _SAMESITE:
            raise ValueError("SameSite must be 'Strict', 'Lax', or 'None'.")
    if partitioned:
        secure = True

    parts = [f"{key}={value}"]
    for name, attribute in (
        ("Domain", domain),
        ("Expires", expires),
        ("Max-Age", max_age),
        ("Secure", secure),
        ("HttpOnly", httponly),
        ("Path", path),
        ("SameSite", samesite),
        ("Partitioned", partitioned),
    ):
        if attribute is None or attribute is False:
            continue
        if attribute is True:
            parts.append(name)
        else:
            parts.append(f"{name}={attribute}")
    header = "; ".join(parts)

    # COMPAT: Werkzeug warns (it does not raise) when browsers would likely
    # drop the cookie, with this message shape.
    size = len(header)
    if max_size and size > max_size:
        value_size = len(value)
        warnings.warn(
            f"The {key!r} cookie is too large: the value was {value_size} bytes but"
            f" the header required {size - value_size} extra bytes. The final size"
            f" was {size} bytes but the limit is {max_size} bytes. Browsers may"
            " silently ignore cookies larger than this.",
            stacklevel=2,
        )
    return header
