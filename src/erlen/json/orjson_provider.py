"""A JSON provider backed by `orjson <https://github.com/ijl/orjson>`_.

Install it with ``pip install erlen[orjson]`` and select it before the app
handles its first request::

    from erlen.json.orjson_provider import OrjsonProvider

    app.json_provider_class = OrjsonProvider  # or: app.json = OrjsonProvider(app)

Responses built by :func:`~erlen.json.jsonify` (and by returning a ``dict`` or
``list`` from a view) and request bodies read by
:meth:`~erlen.wrappers.Request.get_json` then go through orjson. The output is
byte for byte what :class:`~erlen.json.provider.DefaultJSONProvider` writes,
except for the cases listed on :class:`OrjsonProvider`.
"""

from __future__ import annotations

import codecs
import typing as t

from .provider import DefaultJSONProvider

try:
    import orjson
except ImportError as exc:
    raise ImportError(
        "erlen.json.orjson_provider needs the orjson package: pip install erlen[orjson]"
    ) from exc

if t.TYPE_CHECKING:
    from ..app import Erlen
    from ..wrappers import Response

_COMPACT_SEPARATORS = (",", ":")
# COMPAT: json.dumps accepts the separators as any sequence; a tuple and a list
# are what callers pass in practice.
_COMPACT_FORMS = (_COMPACT_SEPARATORS, list(_COMPACT_SEPARATORS))
_PRETTY_FORMS = ((",", ": "), [",", ": "])

# COMPAT: datetimes and dataclasses go to ``default`` as with the standard
# library. orjson's own forms differ: ISO 8601 instead of an HTTP date, and
# dataclass fields unsorted and without the ones starting with "_".
_BASE_OPTION = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS
_RESPONSE_OPTION = _BASE_OPTION | orjson.OPT_APPEND_NEWLINE

#: The keyword arguments of :func:`json.dumps` that orjson can honour.
_SUPPORTED_DUMPS_KWARGS = frozenset(
    ("default", "ensure_ascii", "indent", "separators", "sort_keys")
)


def _get_dumps_option(kwargs: dict[str, t.Any], sort_keys: bool) -> int | None:
    """Translate :func:`json.dumps` keyword arguments into orjson option bits.

    Return ``None`` when the arguments ask for output orjson cannot write:
    the standard library's default ``", "``/``": "`` spacing, an indent other
    than two spaces, or an argument such as ``allow_nan`` or ``cls``.
    """
    if not _SUPPORTED_DUMPS_KWARGS.issuperset(kwargs):
        return None
    indent = kwargs.get("indent")
    separators = kwargs.get("separators")
    if indent is None:
        if separators not in _COMPACT_FORMS:
            return None
        option = _BASE_OPTION
    elif (indent == "  " or (type(indent) is int and indent == 2)) and (
        separators is None or separators in _PRETTY_FORMS
    ):
        option = _BASE_OPTION | orjson.OPT_INDENT_2
    else:
        return None
    if kwargs.get("sort_keys", sort_keys):
        option |= orjson.OPT_SORT_KEYS
    return option


_ESCAPE_ERRORS = "erlen.json_escape"
# PERF: escaping a few characters in orjson's output beats encoding the whole
# document again; past this many extra UTF-8 bytes the stdlib's C escaper wins.
_MAX_ESCAPED_EXTRA_BYTES = 32


def _escape_non_ascii(error: UnicodeError) -> tuple[str, int]:
    """Codec error handler: write characters as ``ensure_ascii`` JSON escapes."""
    if not isinstance(error, UnicodeEncodeError):  # pragma: no cover - encode only
        raise error
    escaped = []
    for char in error.object[error.start : error.end]:
        code = ord(char)
        if code > 0xFFFF:
            # RFC 8259 §7: a character outside the BMP is a UTF-16 surrogate pair.
            code -= 0x10000
            escaped.append(
                f"\\u{0xD800 | code >> 10:04x}\\u{0xDC00 | code & 0x3FF:04x}"
            )
        else:
            escaped.append(f"\\u{code:04x}")
    return "".join(escaped), error.end


codecs.register_error(_ESCAPE_ERRORS, _escape_non_ascii)


def _to_ascii(body: bytes) -> bytes | None:
    """Return ``body`` as ``ensure_ascii=True`` writes it, or ``None``.

    orjson writes non-ASCII characters as UTF-8 and DEL (0x7f) as itself; the
    standard library escapes both as ``\\uXXXX``. Non-ASCII characters only
    occur inside strings, so escaping them in orjson's output gives the
    stdlib's bytes. ``None`` means the stdlib should write the document: it
    holds DEL, or too many characters to escape one by one.
    """
    if body.isascii():
        return None if b"\x7f" in body else body
    text = body.decode()
    if b"\x7f" in body or len(body) - len(text) > _MAX_ESCAPED_EXTRA_BYTES:
        return None
    return text.encode("ascii", _ESCAPE_ERRORS)


class OrjsonProvider(DefaultJSONProvider):
    """Serialise and parse JSON with orjson, falling back to :mod:`json`.

    The attributes of :class:`~erlen.json.provider.DefaultJSONProvider` apply
    unchanged: :attr:`default` converts dates, ``Decimal``, ``UUID``,
    dataclasses and ``__html__`` objects; :attr:`sort_keys`,
    :attr:`ensure_ascii`, :attr:`compact` and :attr:`mimetype` mean the same.

    orjson only writes compact JSON or JSON indented by two spaces, so
    :meth:`response` and :meth:`dumps` called with compact ``separators`` or
    ``indent=2`` use orjson, while :meth:`dumps` with no arguments (which
    writes ``{"a": 1}`` with spaces) and any other arguments use the standard
    library, as does any value orjson refuses (integers beyond 64 bits,
    non-string keys, circular or very deep structures, lone surrogates, or
    a :attr:`default` that raises). Refused values are tried again with the
    standard library, so they serialise, or fail, exactly as with the default
    provider, and :attr:`default` may be called twice for them.

    .. note::
        orjson always writes UTF-8 and has no ``ensure_ascii``. This provider
        keeps Flask's default ``ensure_ascii = True``: non-ASCII characters in
        orjson's output are escaped as ``\\uXXXX`` afterwards, or, when there
        are many of them (or a DEL character), the document is written again
        by the standard library, so the bytes are the same as Flask's. Set
        ``ensure_ascii = False`` to keep orjson's UTF-8 output; it is shorter,
        as valid, and faster to produce.

    .. note::
        Differences from the default provider:

        * ``NaN`` and infinities are written as ``null``, not as the
          non-standard ``NaN``/``Infinity`` tokens.
        * Floats with small exponents are spelled differently
          (``1e-7`` instead of ``1e-07``, ``0.00001`` instead of ``1e-05``);
          they parse to the same value.
        * :class:`enum.Enum` members are written as their value; the default
          provider raises ``TypeError`` for enums that are not ``int`` or
          ``str`` subclasses. ``UUID`` is written natively (the same string
          :attr:`default` gives) and does not reach :attr:`default`.
        * :meth:`loads` without arguments rejects ``NaN``/``Infinity``, and
          numbers too large for a double; integers outside the signed and
          unsigned 64-bit ranges become floats. Bytes that are not UTF-8
          (UTF-16/32, or starting with a byte order mark) are parsed by the
          standard library, as before. Documents nested deeper than 1024
          levels raise ``JSONDecodeError`` (a ``ValueError``, so
          :meth:`~erlen.wrappers.Request.get_json` answers 400).
        * Indented output is the same as ``json.dumps(indent=2)``.
    """

    def __init__(self, app: Erlen) -> None:
        super().__init__(app)
        # PERF: response() encodes directly only when dumps() is this class's;
        # a subclass that overrides dumps() is honoured through the parent.
        self._own_orjson_dumps = type(self).dumps is OrjsonProvider.dumps

    def _encode(
        self, obj: t.Any, option: int, ensure_ascii: bool, default: t.Any
    ) -> bytes | None:
        """Encode ``obj`` with orjson, or return ``None`` if the stdlib must."""
        try:
            body = orjson.dumps(obj, default=default, option=option)
        except orjson.JSONEncodeError:
            # COMPAT: the standard library either serialises the value (big
            # integers, non-string keys) or raises Flask's exact error.
            return None
        if ensure_ascii:
            return _to_ascii(body)
        return body

    def dumps(self, obj: t.Any, **kwargs: t.Any) -> str:
        """Serialise ``obj`` to a JSON string.

        Compact ``separators`` or ``indent=2`` (with the other arguments among
        ``default``, ``ensure_ascii`` and ``sort_keys``) go through orjson;
        everything else through :meth:`DefaultJSONProvider.dumps`.

        :param obj: the value to serialise.
        :param kwargs: the keyword arguments of :func:`json.dumps`.
        """
        option = _get_dumps_option(kwargs, self.sort_keys) if kwargs else None
        if option is not None:
            body = self._encode(
                obj,
                option,
                kwargs.get("ensure_ascii", self.ensure_ascii),
                kwargs.get("default", self.default),
            )
            if body is not None:
                return body.decode()
        return super().dumps(obj, **kwargs)

    def loads(self, s: str | bytes, **kwargs: t.Any) -> t.Any:
        """Parse JSON text with :func:`orjson.loads`.

        :param s: the document, ``str`` or UTF-8 ``bytes``. Bytes in another
            encoding, and any ``kwargs``, are handed to the standard library.
        :param kwargs: the keyword arguments of :func:`json.loads`.
        :raises ValueError: the document is not valid JSON
            (``json.JSONDecodeError``).
        """
        # RFC 8259 §8.1: JSON text exchanged between systems is UTF-8; only a
        # body whose first bytes need encoding sniffing goes to the stdlib.
        if kwargs or (
            isinstance(s, (bytes, bytearray)) and (s[:1] >= b"\x80" or 0 in s[:4])
        ):
            return super().loads(s, **kwargs)
        return orjson.loads(s)

    def response(self, *args: t.Any, **kwargs: t.Any) -> Response:
        """Serialise the arguments into a response with :attr:`mimetype`.

        The body ends with a newline, as with the default provider, and is
        indented by two spaces in the same cases.

        :param args: one value to serialise, or several to serialise as an array.
        :param kwargs: items of an object to serialise; not allowed together
            with ``args``.
        """
        if not self._own_orjson_dumps:
            return super().response(*args, **kwargs)
        obj = self._prepare_response_obj(args, kwargs)
        compact = self.compact
        pretty = compact is False or (compact is None and self._app.debug)
        option = _RESPONSE_OPTION
        if pretty:
            option |= orjson.OPT_INDENT_2
        if self.sort_keys:
            option |= orjson.OPT_SORT_KEYS
        body: bytes | str | None = self._encode(
            obj, option, self.ensure_ascii, self.default
        )
        if body is None:
            if pretty:
                text = super().dumps(obj, indent=2)
            else:
                text = super().dumps(obj, separators=_COMPACT_SEPARATORS)
            body = f"{text}\n"
        return self._app.response_class(body, mimetype=self.mimetype)
