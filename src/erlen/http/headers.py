"""Header values: quoting, parameters, lists, dicts, Accept, Cache-Control.

Every parser here walks its input once with ``str.find``/``str.partition`` or
regexes anchored to one token, so the time spent is linear in the input.
"""

from __future__ import annotations

import collections.abc as cabc
import re
import typing as t
from enum import Enum
from urllib.parse import unquote

from .errors import HeaderTooLargeError
from .errors import shorten

_T = t.TypeVar("_T")

# RFC 9110 §5.6.2: tchar = "!" / "#" / "$" / "%" / "&" / "'" / "*" / "+" / "-"
#   / "." / "^" / "_" / "`" / "|" / "~" / DIGIT / ALPHA
_TOKEN_CHARS = frozenset(
    "!#$%&'*+-.0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ^_`abcdefghijklmnopqrstuvwxyz|~"
)
_TOKEN_RE = re.compile(r"[\w!#$%&'*+\-.^`|~]+", re.ASCII)
# RFC 8187 §3.2.1: ext-value = charset "'" [ language ] "'" value-chars
_EXT_VALUE_RE = re.compile(
    r"([\w!#$%&*+\-.^`|~]*)'[\w!#$%&*+\-.^`|~]*'([\w!#$%&'*+\-.^`|~]+)", re.ASCII
)
# RFC 2231 §3: a parameter name may end in "*<n>" (continuation), "*" (an
# ext-value), or both.
_MARK_RE = re.compile(r"(?:\*([0-9]+))?(\*)?\Z")
# COMPAT: the only charsets Werkzeug decodes; others leave the value encoded.
_EXT_CHARSETS = frozenset(("ascii", "us-ascii", "utf-8", "iso-8859-1"))
# RFC 9110 §12.4.2: qvalue, read as leniently as Werkzeug does.
_QVALUE_RE = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")
_UNSLASH_RE = re.compile(r"\\(.)")

#: The longest header value the parsers here accept.
MAX_HEADER_VALUE_LENGTH = 65536
#: The most items or parameters one header value may hold.
MAX_HEADER_ITEMS = 1024


def _check_size(value: str) -> None:
    # SECURITY: bounds time and memory spent on one header value.
    if len(value) > MAX_HEADER_VALUE_LENGTH:
        raise HeaderTooLargeError(
            f"The header value is longer than {MAX_HEADER_VALUE_LENGTH} characters:"
            f" {shorten(value)}."
        )


def _check_count(count: int) -> None:
    # SECURITY: a value of thousands of tiny items would build huge lists.
    if count > MAX_HEADER_ITEMS:
        raise HeaderTooLargeError(
            f"The header value has more than {MAX_HEADER_ITEMS} items."
        )


def quote_header_value(value: t.Any, allow_token: bool = True) -> str:
    """Quote a value for a header if it is not a token.

    ``quote_header_value("a b")`` gives ``'"a b"'``; ``""`` gives ``'""'``.

    :param value: the value; converted with :func:`str`.
    :param allow_token: leave a value made only of token characters bare.
    """
    text = str(value)
    if not text:
        return '""'
    if allow_token and set(text) <= _TOKEN_CHARS:
        return text
    text = text.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{text}"'


def unquote_header_value(value: str) -> str:
    """Remove the quotes and backslash escapes of a quoted-string.

    A value that does not both start and end with ``"`` is returned as is.

    :param value: the value.
    """
    if len(value) >= 2 and value[0] == '"' and value[-1] == '"':
        # RFC 9110 §5.6.4: quoted-pair = "\" ( HTAB / SP / VCHAR / obs-text )
        return _UNSLASH_RE.sub(r"\1", value[1:-1])
    return value


def dump_options_header(header: str | None, options: t.Mapping[str, t.Any]) -> str:
    """Join a value and its ``key=value`` parameters with ``"; "``.

    Parameters with a ``None`` value are left out; a key ending in ``*`` keeps
    its value unquoted (it is an RFC 8187 ext-value).

    :param header: the main value, or ``None`` for parameters only.
    :param options: the parameters.
    """
    segments = [] if header is None else [header]
    for key, value in options.items():
        if value is None:
            continue
        if key.endswith("*"):
            segments.append(f"{key}={value}")
        else:
            segments.append(f"{key}={quote_header_value(value)}")
    return "; ".join(segments)


def dump_header(iterable: dict[str, t.Any] | cabc.Iterable[t.Any]) -> str:
    """Join items (or ``key=value`` pairs of a dict) with ``", "``.

    :param iterable: items to quote as needed, or a dict whose ``None`` values
        give a bare key.
    """
    if isinstance(iterable, dict):
        items = []
        for key, value in iterable.items():
            if value is None:
                items.append(key)
            elif key.endswith("*"):
                items.append(f"{key}={value}")
            else:
                items.append(f"{key}={quote_header_value(value)}")
        return ", ".join(items)
    return ", ".join(quote_header_value(item) for item in iterable)


def parse_list_header(value: str) -> list[str]:
    """Split a comma-separated header value into items.

    Commas inside quoted strings do not split; an item that is entirely a
    quoted string is unquoted; spaces and tabs around items are dropped, and
    so are empty items.

    ``parse_list_header('a, "b, c", d')`` gives ``["a", "b, c", "d"]``.

    :param value: the header value.
    :return: the items, or an empty list if a quoted string is not closed.
    :raises HeaderTooLargeError: (431) if the value or its item count is over the
        limits.
    """
    _check_size(value)
    items: list[str] = []
    start = 0
    pos = 0
    end = len(value)
    while True:
        comma = value.find(",", pos)
        quote = value.find('"', pos)
        if quote != -1 and (comma == -1 or quote < comma):
            pos = _skip_quoted(value, quote, end)
            if pos < 0:
                # COMPAT: an unclosed quoted string voids the whole value.
                return []
            continue
        item = value[start:] if comma == -1 else value[start:comma]
        item = item.strip(" \t")
        if item:
            items.append(unquote_header_value(item))
            _check_count(len(items))
        if comma == -1:
            return items
        start = pos = comma + 1


def _skip_quoted(value: str, pos: int, end: int) -> int:
    """Return the index after the quoted string starting at ``pos``, or -1."""
    pos += 1
    while pos < end:
        quote = value.find('"', pos)
        if quote == -1:
            return -1
        slash = value.find("\\", pos, quote)
        if slash == -1:
            return quote + 1
        # A backslash escapes the character after it, whatever it is.
        pos = slash + 2
    return -1


def _decode_ext_value(value: str, charset: str | None) -> str:
    if charset in _EXT_CHARSETS:
        # Invalid bytes are replaced with U+FFFD while decoding.
        return unquote(value, encoding=charset)
    return value


def parse_dict_header(value: str) -> dict[str, str | None]:
    """Parse a comma-separated list of ``key=value`` pairs into a dict.

    A key without ``=`` maps to ``None``; a quoted value is unquoted; a key
    ending in ``*`` has an RFC 8187 value (``title*=UTF-8''%E2%82%AC``)
    decoded. Later keys replace earlier ones.

    :param value: the header value.
    :raises HeaderTooLargeError: (431) if the value is over the limits.
    """
    result: dict[str, str | None] = {}
    for item in parse_list_header(value):
        key, has_value, text = item.partition("=")
        key = key.strip(" \t")
        if not key:
            continue
        if not has_value:
            result[key] = None
            continue
        text = text.strip(" \t")
        if key.endswith("*"):
            key = key[:-1]
            match = _EXT_VALUE_RE.fullmatch(text)
            if match is not None:
                text = _decode_ext_value(match[2], match[1].lower())
        result[key] = unquote_header_value(text)
    return result


def _scan_parameters(rest: str) -> list[tuple[str, str]]:
    """Collect the raw ``key=value`` parameters after the first ``;``."""
    parts: list[tuple[str, str]] = []
    pos = 0
    end = len(rest)
    while pos < end:
        key_match = _TOKEN_RE.match(rest, pos)
        if key_match is not None and rest.startswith("=", key_match.end()):
            key = key_match[0].lower()
            pos = key_match.end() + 1
            token = _TOKEN_RE.match(rest, pos)
            if token is not None:
                parts.append((key, token[0]))
            elif rest.startswith('"', pos):
                close = _skip_options_quoted(rest, pos, end)
                if close < 0:
                    break
                parts.append((key, rest[pos:close]))
                pos = close
            _check_count(len(parts))
        delimiter = rest.find(";", pos)
        if delimiter == -1:
            break
        pos = delimiter + 1
        while pos < end and rest[pos] in " \t":
            pos += 1
    return parts


def _skip_options_quoted(rest: str, pos: int, end: int) -> int:
    """Like :func:`_skip_quoted`, but only ``\\\\`` and ``\\"`` are escapes."""
    pos += 1
    while pos < end:
        char = rest[pos]
        if char == '"':
            return pos + 1
        if char == "\\" and rest.startswith(("\\", '"'), pos + 1):
            pos += 2
        else:
            pos += 1
    return -1


def _parse_simple_parameters(rest: str) -> dict[str, str] | None:
    """Parse ``key=token; key="text"`` parameters, or ``None`` for anything else.

    # PERF: the parameters of nearly every Content-Type and multipart
    # Content-Disposition have this shape; str.split and two C regex matches
    # per parameter replace the character scanner. Escapes, RFC 2231/8187
    # parameters, percent signs, empty pieces and stray spaces or quotes all
    # go to the full parser, which gives the same result for this shape.
    """
    if "\\" in rest or "*" in rest or "%" in rest:
        return None
    pieces = rest.split(";")
    if len(pieces) > MAX_HEADER_ITEMS:
        return None
    options: dict[str, str] = {}
    for piece in pieces:
        key, eq, text = piece.strip(" \t").partition("=")
        if not eq or _TOKEN_RE.fullmatch(key) is None:
            return None
        if text[:1] == '"':
            if len(text) < 2 or text[-1] != '"' or '"' in text[1:-1]:
                return None
            text = text[1:-1]
        elif _TOKEN_RE.fullmatch(text) is None:
            return None
        options[key.lower()] = text
    return options


def _parse_parameters(rest: str) -> dict[str, str]:
    """The full parameter parser of :func:`parse_options_header`."""
    options: dict[str, str] = {}
    continued: dict[str, list[str]] = {}
    continued_charsets: dict[str, str] = {}
    for key, text in _scan_parameters(rest):
        mark = _MARK_RE.search(key)
        is_continuation = is_extended = False
        if mark is not None and mark.end() > mark.start():
            is_continuation = mark[1] is not None
            is_extended = mark[2] is not None
            key = key[: mark.start()]
        if is_extended:
            charset: str | None = None
            match = _EXT_VALUE_RE.fullmatch(text)
            if match is not None:
                charset = match[1].lower()
                text = match[2]
            if not charset and is_continuation:
                charset = continued_charsets.get(key)
            text = _decode_ext_value(text, charset)
            if charset and is_continuation:
                continued_charsets[key] = charset
        else:
            # COMPAT: browsers send '"' in multipart file names as %22.
            text = unquote_header_value(text).replace("%22", '"')
        if is_continuation:
            options.pop(key, None)
            continued.setdefault(key, []).append(text)
        else:
            if continued.pop(key, None) is not None:
                continued_charsets.pop(key, None)
            options[key] = text
    for key, pieces in continued.items():
        options[key] = "".join(pieces)
    return options


def parse_options_header(value: str | None) -> tuple[str, dict[str, str]]:
    """Split a header like ``Content-Type`` into its value and parameters.

    Parameter names are lower-cased; quoted values are unquoted. RFC 2231
    continuations (``name*0=...; name*1=...``, joined in the order they
    appear) and RFC 8187 ext-values (``filename*=UTF-8''%E2%82%AC.txt``, for
    the charsets UTF-8, ISO-8859-1 and ASCII) are decoded. A parameter that
    does not parse is skipped; an unclosed quote ends the parameters.

    ``parse_options_header('text/html; charset="utf-8"')`` gives
    ``("text/html", {"charset": "utf-8"})``.

    :param value: the header value.
    :raises HeaderTooLargeError: (431) if the value is over the limits.

    .. note::
        As in Werkzeug, the main value keeps its case.
    """
    if value is None:
        return "", {}
    _check_size(value)
    value, _, rest = value.partition(";")
    value = value.strip(" \t")
    rest = rest.strip(" \t")
    if not value or not rest:
        return value, {}
    simple = _parse_simple_parameters(rest)
    if simple is not None:
        return value, simple
    return value, _parse_parameters(rest)


@t.overload
def parse_accept_header(value: str | None) -> list[tuple[str, float]]: ...
@t.overload
def parse_accept_header(
    value: str | None, cls: cabc.Callable[[list[tuple[str, float]]], _T]
) -> _T: ...
def parse_accept_header(
    value: str | None,
    cls: cabc.Callable[[list[tuple[str, float]]], _T] | None = None,
) -> list[tuple[str, float]] | _T:
    """Parse an ``Accept``-style header into ``(value, quality)`` pairs.

    Pairs are sorted by quality, highest first, keeping the header's order
    for equal qualities. An item whose ``q`` is not a number between 0 and 1
    is dropped; other parameters stay on the value (``"text/html; level=1"``).

    :param value: the header value.
    :param cls: if given, called with the list and its result returned (for
        example ``MIMEAccept``, which applies its own ordering).
    :raises HeaderTooLargeError: (431) if the value is over the limits.
    """
    result: list[tuple[str, float]] = []
    for item in parse_list_header(value or ""):
        name, options = parse_options_header(item)
        quality: float = 1
        if "q" in options:
            text = options.pop("q").strip()
            if _QVALUE_RE.fullmatch(text) is None:
                continue
            quality = float(text)
            if quality < 0 or quality > 1:
                continue
        if options:
            name = dump_options_header(name, options)
        result.append((name, quality))
    # PERF: sorted() is stable, so equal qualities keep their order.
    result.sort(key=lambda pair: pair[1], reverse=True)
    if cls is None:
        return result
    return cls(result)


@t.overload
def parse_cache_control_header(
    value: str | None, on_update: t.Any = None
) -> dict[str, str | None]: ...
@t.overload
def parse_cache_control_header(
    value: str | None, on_update: t.Any, cls: cabc.Callable[[t.Any, t.Any], _T]
) -> _T: ...
def parse_cache_control_header(
    value: str | None,
    on_update: t.Any = None,
    cls: cabc.Callable[[t.Any, t.Any], _T] | None = None,
) -> dict[str, str | None] | _T:
    """Parse a ``Cache-Control`` header into a dict of directives.

    Directive names keep their case; a directive without a value maps to
    ``None``.

    :param value: the header value.
    :param on_update: passed on to ``cls``.
    :param cls: if given, called as ``cls(directives, on_update)``.
    """
    directives = parse_dict_header(value) if value else {}
    if cls is None:
        return directives
    return cls(directives, on_update)


@t.overload
def parse_set_header(value: str | None, on_update: t.Any = None) -> list[str]: ...
@t.overload
def parse_set_header(
    value: str | None, on_update: t.Any, cls: cabc.Callable[[t.Any, t.Any], _T]
) -> _T: ...
def parse_set_header(
    value: str | None,
    on_update: t.Any = None,
    cls: cabc.Callable[[t.Any, t.Any], _T] | None = None,
) -> list[str] | _T:
    """Parse a comma-separated set header (``Vary``, ``Allow``) into a list.

    :param value: the header value.
    :param on_update: passed on to ``cls``.
    :param cls: if given, called as ``cls(items, on_update)`` (``HeaderSet``).
    """
    items = parse_list_header(value) if value else []
    if cls is None:
        return items
    return cls(items, on_update)


class COEP(Enum):
    """Cross-Origin-Embedder-Policy values."""

    UNSAFE_NONE = "unsafe-none"
    REQUIRE_CORP = "require-corp"


class COOP(Enum):
    """Cross-Origin-Opener-Policy values."""

    UNSAFE_NONE = "unsafe-none"
    SAME_ORIGIN_ALLOW_POPUPS = "same-origin-allow-popups"
    SAME_ORIGIN = "same-origin"


# RFC 9110 §7.6.1: connection-specific fields a proxy must not forward.
_HOP_BY_HOP_HEADERS = frozenset(
    (
        "connection",
        "keep-alive",
        "proxy-authenticate",
        "proxy-authorization",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
    )
)
_ENTITY_HEADERS = frozenset(
    (
        "allow",
        "content-encoding",
        "content-language",
        "content-length",
        "content-location",
        "content-md5",
        "content-range",
        "content-type",
        "expires",
        "last-modified",
    )
)


def is_hop_by_hop_header(header: str) -> bool:
    """Tell whether a header name is a hop-by-hop header (``Connection``, ...).

    :param header: the header name, in any case.
    """
    return header.lower() in _HOP_BY_HOP_HEADERS


def is_entity_header(header: str) -> bool:
    """Tell whether a header name describes the content (``Content-Type``, ...).

    :param header: the header name, in any case.
    """
    return header.lower() in _ENTITY_HEADERS


def remove_entity_headers(
    headers: list[tuple[str, str]],
    allowed: cabc.Iterable[str] = ("expires", "content-location"),
) -> None:
    """Remove content headers from a list of pairs, in place.

    Used for a 304 response, which carries no content.

    :param headers: the ``(name, value)`` pairs.
    :param allowed: header names to keep even though they describe content.
    """
    keep = {name.lower() for name in allowed}
    headers[:] = [
        (name, value)
        for name, value in headers
        if not is_entity_header(name) or name.lower() in keep
    ]


def remove_hop_by_hop_headers(headers: list[tuple[str, str]]) -> None:
    """Remove hop-by-hop headers from a list of pairs, in place.

    :param headers: the ``(name, value)`` pairs.
    """
    headers[:] = [pair for pair in headers if not is_hop_by_hop_header(pair[0])]


# RFC 9110 §5.1: field-name = token
def is_valid_header_name(name: str) -> bool:
    """Tell whether ``name`` is a valid field name (a non-empty token).

    :param name: the header name.
    """
    return bool(name) and set(name) <= _TOKEN_CHARS


_FORBIDDEN_IN_VALUE = frozenset("\r\n\x00")


def check_header_value(value: str) -> str:
    """Return ``value`` if it can go in a header, else raise.

    :param value: the header value.
    :raises ValueError: if the value holds a CR, LF or NUL character.
    """
    # SECURITY: a CR or LF in a value would start a new header line (response
    # splitting); NUL is refused by many servers and clients.
    if not _FORBIDDEN_IN_VALUE.isdisjoint(value):
        raise ValueError(
            "Header values must not contain newline or NUL characters:"
            f" {shorten(value)}."
        )
    return value
