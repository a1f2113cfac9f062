"""URL quoting, IRI/URI conversion and query strings."""

from __future__ import annotations

import codecs
import collections.abc as cabc
import re
import typing as t
from urllib.parse import quote
from urllib.parse import quote_plus
from urllib.parse import unquote
from urllib.parse import urlsplit
from urllib.parse import urlunsplit

from .errors import LimitExceededError

__all__ = [
    "iri_to_uri",
    "parse_query_lists",
    "parse_query_pairs",
    "quote",
    "quote_plus",
    "unquote",
    "uri_to_iri",
    "url_encode",
]


def _quote_bad_bytes(exc: UnicodeError) -> tuple[str, int]:
    """Codec error handler: keep undecodable bytes as uppercase ``%XX``."""
    if not isinstance(exc, UnicodeDecodeError):
        raise exc
    bad = exc.object[exc.start : exc.end]
    return "".join(f"%{byte:02X}" for byte in bad), exc.end


# COMPAT: Werkzeug re-quotes percent-escapes that are not valid UTF-8
# ("%FF" stays "%FF") instead of replacing them with U+FFFD.
codecs.register_error("erlen.url_quote", _quote_bad_bytes)

# Bytes that are never decoded by uri_to_iri: controls, space, "%" and DEL.
_ALWAYS_ENCODED = frozenset((*range(0x21), 0x25, 0x7F))
_KEEP_PATH = _ALWAYS_ENCODED | frozenset(b"/?#")
_KEEP_QUERY = _ALWAYS_ENCODED | frozenset(b"&=+#")
_KEEP_FRAGMENT = _ALWAYS_ENCODED
_KEEP_USER = _ALWAYS_ENCODED | frozenset(b":@/?#")
_HEX = frozenset("0123456789abcdefABCDEF")


def _unquote_except(text: str, keep: frozenset[int]) -> str:
    """Decode ``%XX`` escapes in ``text`` except those of the bytes in ``keep``."""
    if "%" not in text:
        return text
    out: list[str] = []
    pending = bytearray()
    pos = 0
    end = len(text)
    while pos < end:
        char = text[pos]
        escape = text[pos + 1 : pos + 3]
        if char == "%" and len(escape) == 2 and set(escape) <= _HEX:
            byte = int(escape, 16)
            if byte not in keep:
                pending.append(byte)
                pos += 3
                continue
            char = text[pos : pos + 3]
            pos += 2
        if pending:
            out.append(pending.decode("utf-8", "erlen.url_quote"))
            pending.clear()
        out.append(char)
        pos += 1
    if pending:
        out.append(pending.decode("utf-8", "erlen.url_quote"))
    return "".join(out)


def _decode_host(host: str) -> str:
    # A non-ASCII host is decoded already; only "xn--" labels change.
    if not host.isascii() or "xn--" not in host:
        return host
    return host.encode("ascii").decode("idna")


def uri_to_iri(uri: str) -> str:
    """Convert a URI to an IRI: decode percent-escapes and IDNA host names.

    Escapes that would change the meaning of a part stay encoded (``%2F`` in
    the path, ``%26`` in the query, ...), as do controls, space, ``%`` and
    escapes that are not valid UTF-8.

    :param uri: the URI.
    :raises UnicodeError: if an ``xn--`` host label is not valid IDNA.
    """
    parts = urlsplit(uri)
    path = _unquote_except(parts.path, _KEEP_PATH)
    query = _unquote_except(parts.query, _KEEP_QUERY)
    fragment = _unquote_except(parts.fragment, _KEEP_FRAGMENT)
    netloc = _decode_host(parts.hostname or "")
    if ":" in netloc:
        netloc = f"[{netloc}]"
    if parts.port is not None:
        netloc = f"{netloc}:{parts.port}"
    if parts.username is not None:
        auth = _unquote_except(parts.username, _KEEP_USER)
        if parts.password is not None:
            auth = f"{auth}:{_unquote_except(parts.password, _KEEP_USER)}"
        netloc = f"{auth}@{netloc}"
    return urlunsplit((parts.scheme, netloc, path, query, fragment))


_USER_SAFE = "%!$&'()*+,;="
_PATH_SAFE = "%!$&'()*+,/:;=@"
_QUERY_SAFE = "%!$&'()*+,/:;=?@"
_FRAGMENT_SAFE = "%!#$&'()*+,/:;=?@"


def iri_to_uri(iri: str) -> str:
    """Convert an IRI to a URI: percent-encode non-ASCII text, IDNA the host.

    Characters that already have a meaning (reserved characters and
    existing ``%`` escapes) are left alone, so the function is idempotent.

    :param iri: the IRI.
    :raises UnicodeError: if the host cannot be IDNA-encoded.
    :raises ValueError: if the port is not a number.
    """
    parts = urlsplit(iri)
    path = quote(parts.path, safe=_PATH_SAFE)
    query = quote(parts.query, safe=_QUERY_SAFE)
    fragment = quote(parts.fragment, safe=_FRAGMENT_SAFE)
    netloc = (parts.hostname or "").encode("idna").decode("ascii")
    if ":" in netloc:
        netloc = f"[{netloc}]"
    if parts.port is not None:
        netloc = f"{netloc}:{parts.port}"
    if parts.username is not None:
        auth = quote(parts.username, safe=_USER_SAFE)
        if parts.password is not None:
            auth = f"{auth}:{quote(parts.password, safe=_USER_SAFE)}"
        netloc = f"{auth}@{netloc}"
    return urlunsplit((parts.scheme, netloc, path, query, fragment))


def _iter_items(obj: t.Any) -> cabc.Iterator[tuple[t.Any, t.Any]]:
    """Yield ``(key, value)`` pairs from a multidict, a mapping or pairs."""
    if hasattr(obj, "lists"):
        for key, values in obj.lists():
            for value in values:
                yield key, value
    elif isinstance(obj, cabc.Mapping):
        for key, value in obj.items():
            if isinstance(value, (list, tuple, set)):
                for item in value:
                    yield key, item
            else:
                yield key, value
    else:
        yield from obj


# COMPAT: the characters Werkzeug leaves bare in an encoded query string.
_FORM_SAFE = "!$'()*,/:;?@"


def _quote_form(value: str | bytes, charset: str) -> str:
    if isinstance(value, bytes):
        return quote_plus(value, _FORM_SAFE)
    return quote_plus(value, _FORM_SAFE, charset)


def url_encode(
    obj: t.Any,
    charset: str = "utf-8",
    sort: bool = False,
    key: cabc.Callable[[tuple[t.Any, t.Any]], t.Any] | None = None,
    separator: str = "&",
) -> str:
    """Encode a mapping, multidict or list of pairs as a query string.

    Pairs whose value is ``None`` are left out; other values that are not
    ``str`` or ``bytes`` are converted with :func:`str`. Spaces become ``+``.

    :param obj: a multidict (anything with ``lists()``), a mapping whose
        values may be lists, tuples or sets of values, or an iterable of
        ``(key, value)`` pairs.
    :param charset: the encoding for text.
    :param sort: sort the pairs (by ``key`` if given).
    :param key: the sort key, called with each ``(key, value)`` pair.
    :param separator: what goes between pairs.
    """
    pairs: cabc.Iterable[tuple[t.Any, t.Any]] = (
        item for item in _iter_items(obj) if item[1] is not None
    )
    if sort:
        pairs = sorted(pairs, key=key)
    encoded = []
    for name, value in pairs:
        if not isinstance(name, (str, bytes)):
            name = str(name)
        if not isinstance(value, (str, bytes)):
            value = str(value)
        encoded.append(f"{_quote_form(name, charset)}={_quote_form(value, charset)}")
    return separator.join(encoded)


def _decode_part(part: str, plus: bool) -> str:
    if plus and "+" in part:
        part = part.replace("+", " ")
    return unquote(part, "utf-8", "erlen.url_quote")


# A "%" that does not start a two-digit escape; such input takes the slow path.
_BAD_ESCAPE = re.compile(r"%(?![0-9A-Fa-f]{2})")


def _decode_parts(parts: list[str], plus: bool) -> list[str]:
    """Decode every part at once; the same result as :func:`_decode_part` each."""
    # PERF: the parts are joined with NUL and percent-decoded in one pass of C
    # code (escapes become backslash-x escapes for codecs.escape_decode) instead
    # of one urllib.parse.unquote per part. Input holding an escaped NUL, a
    # stray "%" or a lone surrogate keeps the per-part path.
    joined = "\x00".join(parts)
    if plus:
        # COMPAT: "+" is a space, but an escaped "%2B" stays a plus sign.
        joined = joined.replace("+", " ")
    if "%" in joined:
        if "%00" in joined or _BAD_ESCAPE.search(joined) is not None:
            return [_decode_part(part, plus) for part in parts]
        try:
            data = joined.encode()
        except UnicodeEncodeError:
            return [_decode_part(part, plus) for part in parts]
        data = data.replace(b"\\", b"\\\\").replace(b"%", b"\\x")
        decoded: bytes = codecs.escape_decode(data)[0]
        joined = decoded.decode("utf-8", "erlen.url_quote")
    return joined.split("\x00")


# The bytes _parse_plain_pairs must see: the separators and NUL, which it
# uses to join the parts. Every other byte is deleted by translate().
_NOT_STRUCTURE = bytes(byte for byte in range(256) if byte not in b"&=\x00")
_SPLIT_TABLE = bytes.maketrans(b"&=+", b"\x00\x00 ")


def _parse_plain_pairs(data: bytes) -> list[tuple[str, str]] | None:
    """Decode an ASCII ``&``-separated query whose every piece is ``key=value``.

    Gives what :func:`parse_query_pairs` gives, or ``None`` when the input
    needs its general path (see :func:`plain_parts`).
    """
    parts = plain_parts(data)
    if parts is None:
        return None
    return list(zip(parts[::2], parts[1::2], strict=True))


def plain_parts(data: bytes) -> list[str] | None:
    """Decode an ASCII query whose every piece is ``key=value`` into a flat list.

    ``plain_parts(b"a=1&b=x+y")`` gives ``["a", "1", "b", "x y"]``: keys and
    values alternate, decoded as :func:`parse_query_pairs` decodes them. Gives
    ``None`` when the input needs the general path: an empty piece, a piece
    without ``=`` or with a second ``=``, a NUL (raw or escaped) or a ``%``
    that starts no escape.

    :param data: the query or body, ASCII bytes.
    """
    # PERF: a handful of C calls over the whole body instead of a Python loop
    # per pair: translate() finds the structure, a second translate() turns
    # "&" and "=" into NUL and "+" into a space, escape_decode() decodes every
    # escape at once and split() cuts the parts.
    structure = data.translate(None, _NOT_STRUCTURE)
    # every piece is exactly "key=value" when the separators alternate "=&=&="
    if structure != b"=&" * (len(structure) >> 1) + b"=":
        return None
    data = data.translate(_SPLIT_TABLE)
    if b"%" in data:
        try:
            data = codecs.escape_decode(
                data.replace(b"\\", b"\\\\").replace(b"%", b"\\x")
            )[0]
        except ValueError:  # a "%" that does not start a two-digit escape
            return None
    parts = data.decode("utf-8", "erlen.url_quote").split("\x00")
    if len(parts) != len(structure) + 1:  # an escaped NUL added a part
        return None
    return parts


def parse_query_pairs(
    query: str | bytes, *, max_pairs: int | None = None, separator: str = "&"
) -> list[tuple[str, str]]:
    """Split a query string into decoded ``(key, value)`` pairs, in order.

    Gives what Werkzeug's ``Request.args`` holds for the same query string:
    ``+`` is a space, ``%XX`` escapes are decoded as UTF-8, a ``%`` that does
    not start an escape is kept, empty pieces (``"a=1&&b=2"``) are skipped,
    a piece without ``=`` gets the value ``""``, and only the first ``=``
    splits a piece.

    ``parse_query_pairs(b"a=1&b=x+y&c")`` gives
    ``[("a", "1"), ("b", "x y"), ("c", "")]``.

    :param query: the query string. ``bytes`` (the raw ``QUERY_STRING``) are
        decoded as UTF-8 with invalid bytes replaced by U+FFFD; a ``str`` is
        taken as already decoded.
    :param max_pairs: the most pairs accepted, or ``None`` for no limit.
    :param separator: the pair separator.
    :raises LimitExceededError: with ``status_hint`` 414 (URI Too Long) when
        there are more than ``max_pairs`` pairs: the query is part of the
        request target, not of the content, so 413 would mislead.

    .. note::
        Escapes that decode to invalid UTF-8 stay as ``%XX`` (upper case),
        as in Werkzeug. Raw (unescaped) invalid UTF-8 bytes, on which
        Werkzeug fails with ``UnicodeDecodeError``, become U+FFFD.
    """
    if not isinstance(query, str):
        raw = bytes(query)
        # PERF: an ASCII body with escapes (a urlencoded form) decodes in C.
        if separator == "&" and raw.isascii() and (b"%" in raw or b"+" in raw):
            plain = _parse_plain_pairs(raw)
            if plain is not None:
                if max_pairs is not None and len(plain) > max_pairs:
                    _raise_too_many_pairs(max_pairs)
                return plain
        # PERF: nearly every query string is ASCII, and ASCII decoding skips
        # the UTF-8 state machine.
        query = raw.decode("ascii") if raw.isascii() else raw.decode("utf-8", "replace")
    if not query:
        return []
    plus = "+" in query
    # PERF: the common query string has neither "+" nor "%": split only.
    decode = plus or "%" in query
    pairs: list[tuple[str, str]] = []
    append = pairs.append
    for piece in query.split(separator):
        if not piece:
            continue
        key, _, value = piece.partition("=")
        append((key, value))
    if decode and pairs:
        if "\x00" in query:
            pairs = [(_decode_part(k, plus), _decode_part(v, plus)) for k, v in pairs]
        else:
            flat = _decode_parts([part for pair in pairs for part in pair], plus)
            pairs = list(zip(flat[::2], flat[1::2], strict=True))
    # SECURITY: bounds the size of the MultiDict built from the pairs. The
    # split itself is linear in the (server-bounded) length of the URI.
    if max_pairs is not None and len(pairs) > max_pairs:
        _raise_too_many_pairs(max_pairs)
    return pairs


def parse_query_lists(
    query: str, *, max_pairs: int | None = None
) -> dict[str, list[str]]:
    """Parse a query string into ``key -> list of values``.

    The pairs of :func:`parse_query_pairs`, grouped: keys in the order they
    first appear, each with its values in order (the layout a ``MultiDict``
    stores).

    >>> parse_query_lists("a=1&b=2&a=3")
    {'a': ['1', '3'], 'b': ['2']}

    :param query: the decoded query string.
    :param max_pairs: the most pairs accepted, or ``None`` for no limit.
    :raises LimitExceededError: (414) more than ``max_pairs`` pairs.
    """
    lists: dict[str, list[str]] = {}
    if not query:
        return lists
    if (
        "%" in query
        or "+" in query
        or "&&" in query
        or query[0] == "&"
        or query[-1] == "&"
    ):
        return group_pairs(parse_query_pairs(query, max_pairs=max_pairs))
    # PERF: the common query string (nothing to decode, no empty piece) is
    # grouped straight from the split, with no list of pairs in between.
    pieces = query.split("&")
    # SECURITY: bounds the size of the MultiDict built from the pairs, as
    # parse_query_pairs does on the other path.
    if max_pairs is not None and len(pieces) > max_pairs:
        _raise_too_many_pairs(max_pairs)
    for piece in pieces:
        key, _, value = piece.partition("=")
        if key in lists:
            lists[key].append(value)
        else:
            lists[key] = [value]
    return lists


def group_pairs(pairs: cabc.Iterable[tuple[str, str]]) -> dict[str, list[str]]:
    """Group ``(key, value)`` pairs into ``key -> list of values``, in order."""
    lists: dict[str, list[str]] = {}
    for key, value in pairs:
        if key in lists:
            lists[key].append(value)
        else:
            lists[key] = [value]
    return lists


def _raise_too_many_pairs(max_pairs: int) -> t.NoReturn:
    raise LimitExceededError(
        f"The query string has more than {max_pairs} parameters.", 414
    )
