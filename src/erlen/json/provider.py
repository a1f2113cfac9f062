"""JSON providers: how an application turns Python values into JSON and back.

An application owns one provider instance (``app.json``). Replace it by
subclassing :class:`JSONProvider` (or :class:`DefaultJSONProvider`) and setting
``app.json_provider_class`` or ``app.json`` to an instance.
"""

from __future__ import annotations

import dataclasses
import decimal
import json
import typing as t
import uuid
import weakref
from datetime import date

from ..http.dates import http_date
from ..wrappers.response import text_response

if t.TYPE_CHECKING:
    from ..app import Erlen
    from ..wrappers import Response

# PERF: the C accelerator builds a one-shot encoder in a single call; going
# through JSONEncoder.encode costs five more Python-level calls per document.
# Other interpreters may not ship it, in which case the encoder object is used.
# Typed as Any: it is either the C callable or None, decided at import time.
_make_c_encoder: t.Any = getattr(json.encoder, "c_make_encoder", None)
_COMPACT_SEPARATORS = (",", ":")
_COMPACT_KWARGS = {"separators": _COMPACT_SEPARATORS}


_DECODER = json.JSONDecoder()


class JSONProvider:
    """The interface an application uses to serialise and parse JSON.

    Subclasses implement :meth:`dumps` and :meth:`loads`; the other methods are
    built on those two.

    :param app: the application this provider belongs to. Only a weak proxy is
        kept, so the provider does not keep the application alive.
    """

    def __init__(self, app: Erlen) -> None:
        # A weak proxy: the app holds its provider, not the other way round.
        self._app: Erlen = t.cast("Erlen", weakref.proxy(app))

    def dumps(self, obj: t.Any, **kwargs: t.Any) -> str:
        """Serialise ``obj`` to a JSON string.

        :param obj: the value to serialise.
        :param kwargs: options for the underlying JSON library.
        """
        raise NotImplementedError

    def dump(self, obj: t.Any, fp: t.IO[str], **kwargs: t.Any) -> None:
        """Serialise ``obj`` and write the text to the file ``fp``.

        :param obj: the value to serialise.
        :param fp: a file opened for writing text.
        :param kwargs: passed on to :meth:`dumps`.
        """
        fp.write(self.dumps(obj, **kwargs))

    def loads(self, s: str | bytes, **kwargs: t.Any) -> t.Any:
        """Parse JSON text (``str`` or UTF-8/16/32 ``bytes``) into a Python value.

        :param s: the document.
        :param kwargs: options for the underlying JSON library.
        """
        raise NotImplementedError

    def load(self, fp: t.IO[t.AnyStr], **kwargs: t.Any) -> t.Any:
        """Read the whole file ``fp`` and parse it with :meth:`loads`.

        :param fp: a file opened for reading, text or binary.
        :param kwargs: passed on to :meth:`loads`.
        """
        return self.loads(fp.read(), **kwargs)

    def _prepare_response_obj(
        self, args: tuple[t.Any, ...], kwargs: dict[str, t.Any]
    ) -> t.Any:
        """Pick the value :meth:`response` serialises from its arguments.

        Keyword arguments become an object, one positional argument is used as
        it is, several become an array, and no arguments give ``null``.
        """
        # PERF: keyword arguments (``jsonify(message=...)``) are the common case,
        # so they are decided first and without calling len().
        if kwargs:
            if args:
                raise TypeError(
                    "app.json.response() takes either args or kwargs, not both"
                )
            return kwargs
        if not args:
            return None
        if len(args) == 1:
            return args[0]
        return args

    def response(self, *args: t.Any, **kwargs: t.Any) -> Response:
        """Serialise the arguments into an ``application/json`` response.

        :param args: one value to serialise, or several to serialise as an array.
        :param kwargs: items of an object to serialise; not allowed together
            with ``args``.
        """
        obj = self._prepare_response_obj(args, kwargs)
        return self._app.response_class(self.dumps(obj), mimetype="application/json")


def _default(o: t.Any) -> t.Any:
    """Convert the types the standard library cannot serialise, else raise."""
    if isinstance(o, date):
        return http_date(o)
    if isinstance(o, (decimal.Decimal, uuid.UUID)):
        return str(o)
    if dataclasses.is_dataclass(o) and not isinstance(o, type):
        return dataclasses.asdict(o)
    if hasattr(o, "__html__"):
        return str(o.__html__())
    raise TypeError(f"Object of type {type(o).__name__} is not JSON serializable")


class _Encoders:
    """Encoders configured for one ``(default, ensure_ascii, sort_keys)`` setting.

    ``plain`` matches :func:`json.dumps`'s default separators, ``compact`` has no
    spaces and ``pretty`` indents by two; the ``*_args`` tuples are the C
    encoder's arguments after ``markers`` (``None`` without the accelerator), and
    ``*_fast`` the C encoders built once with no ``markers`` (see :func:`_encode`).
    """

    __slots__ = (
        "compact",
        "compact_args",
        "compact_fast",
        "plain",
        "plain_args",
        "plain_fast",
        "pretty",
        "settings",
    )

    def __init__(self, settings: tuple[t.Any, bool, bool]) -> None:
        default, ensure_ascii, sort_keys = settings
        self.settings = settings
        options: dict[str, t.Any] = {
            "default": default,
            "ensure_ascii": ensure_ascii,
            "sort_keys": sort_keys,
        }
        self.plain = json.JSONEncoder(**options)
        self.compact = json.JSONEncoder(separators=_COMPACT_SEPARATORS, **options)
        self.pretty = json.JSONEncoder(indent=2, **options)
        self.plain_args = _c_encoder_args(self.plain)
        self.compact_args = _c_encoder_args(self.compact)
        self.plain_fast = _shared_c_encoder(self.plain_args)
        self.compact_fast = _shared_c_encoder(self.compact_args)


def _shared_c_encoder(
    args: tuple[t.Any, ...] | None,
) -> t.Callable[[t.Any, int], t.Any] | None:
    """A C encoder without circular-reference markers, safe to share."""
    if args is None:
        return None
    return _make_c_encoder(None, *args)  # type: ignore[no-any-return]


def _c_encoder_args(encoder: json.JSONEncoder) -> tuple[t.Any, ...] | None:
    """Return the C encoder's arguments after ``markers`` for ``encoder``."""
    if _make_c_encoder is None:
        return None
    if encoder.ensure_ascii:
        encode_string = json.encoder.encode_basestring_ascii
    else:
        encode_string = json.encoder.encode_basestring
    args = (
        encoder.default,
        encode_string,
        None,
        encoder.key_separator,
        encoder.item_separator,
        encoder.sort_keys,
        encoder.skipkeys,
        encoder.allow_nan,
    )
    try:
        _make_c_encoder({}, *args)
    except TypeError:  # pragma: no cover - an interpreter with another signature
        return None
    return args


def _encode(
    encoder: json.JSONEncoder,
    fast: t.Callable[[t.Any, int], t.Any] | None,
    c_args: tuple[t.Any, ...] | None,
    obj: t.Any,
) -> str:
    """Encode ``obj`` in one shot, through the C accelerator when available."""
    if fast is None or c_args is None:
        return encoder.encode(obj)
    # PERF: one C encoder per configuration, shared by every call; it keeps no
    # state without markers, so threads may use it at once.
    try:
        return "".join(fast(obj, 0))
    except RecursionError:
        # COMPAT: without markers a circular value recurses; encoding again
        # with a fresh markers dict, as json.dumps does, raises its ValueError
        # (and a value nested too deeply raises RecursionError again).
        return "".join(_make_c_encoder({}, *c_args)(obj, 0))


class DefaultJSONProvider(JSONProvider):
    """Serialise with the standard library's :mod:`json`, plus a few extra types.

    Beyond the JSON types, :attr:`default` converts ``date``/``datetime`` to an
    HTTP date string, ``Decimal`` and ``UUID`` to strings, dataclass instances
    to dicts, and objects with an ``__html__`` method (such as ``Markup``) to
    the string it returns.

    Change the class attributes on a subclass or on ``app.json`` to configure it.

    .. note::
        The configured encoders are built once and reused while
        :attr:`default`, :attr:`ensure_ascii` and :attr:`sort_keys` stay the
        same, instead of building a :class:`json.JSONEncoder` per call. The
        output is the same as Flask's.
    """

    #: Called for objects the JSON library cannot serialise; it returns a
    #: serialisable value or raises ``TypeError``.
    default: t.Callable[[t.Any], t.Any] = staticmethod(_default)

    #: Escape non-ASCII characters as ``\uXXXX``.
    ensure_ascii = True

    #: Sort the keys of objects. This keeps responses and session cookies
    #: stable, but all keys must then be of the same type.
    sort_keys = True

    #: :meth:`response` writes compact JSON when ``True``, indented JSON when
    #: ``False``, and when ``None`` indented JSON only in debug mode.
    compact: bool | None = None

    #: The mimetype of responses built by :meth:`response`.
    mimetype = "application/json"

    def __init__(self, app: Erlen) -> None:
        super().__init__(app)
        self._encoders: _Encoders | None = None
        # PERF: response() bypasses dumps() only when dumps() is this class's,
        # and jsonify bypasses response() only when response() is.
        self._own_dumps = type(self).dumps is DefaultJSONProvider.dumps
        self._own_response = type(self).response is DefaultJSONProvider.response

    def _get_encoders(self) -> _Encoders:
        """Return the encoders for the current settings, rebuilding them on change."""
        settings = (self.default, self.ensure_ascii, self.sort_keys)
        encoders = self._encoders
        if encoders is None or encoders.settings != settings:
            encoders = self._encoders = _Encoders(settings)
        return encoders

    def dumps(self, obj: t.Any, **kwargs: t.Any) -> str:
        """Serialise ``obj`` to a JSON string.

        :attr:`default`, :attr:`ensure_ascii` and :attr:`sort_keys` apply unless
        given in ``kwargs``.

        :param obj: the value to serialise.
        :param kwargs: passed to :func:`json.dumps`.
        """
        if not kwargs:
            encoders = self._get_encoders()
            return _encode(
                encoders.plain, encoders.plain_fast, encoders.plain_args, obj
            )
        if kwargs == _COMPACT_KWARGS:
            encoders = self._get_encoders()
            return _encode(
                encoders.compact, encoders.compact_fast, encoders.compact_args, obj
            )
        kwargs.setdefault("default", self.default)
        kwargs.setdefault("ensure_ascii", self.ensure_ascii)
        kwargs.setdefault("sort_keys", self.sort_keys)
        return json.dumps(obj, **kwargs)

    def loads(self, s: str | bytes, **kwargs: t.Any) -> t.Any:
        """Parse JSON text with :func:`json.loads`.

        :param s: the document, ``str`` or UTF-8/16/32 ``bytes``.
        :param kwargs: passed to :func:`json.loads`.
        """
        # PERF: a body starting with an ASCII byte and no NUL in its first four
        # bytes is UTF-8 (RFC 8259 §8.1), so the encoding sniffing is skipped.
        try:
            if (
                not kwargs
                and type(s) is bytes
                and s[:1] < b"\x80"
                and 0 not in s[:4]
                and s
            ):
                return _DECODER.decode(s.decode("utf-8", "surrogatepass"))
            return json.loads(s, **kwargs)
        except RecursionError as exc:
            # SECURITY: deeply nested input is bad input (400), not a crash.
            raise ValueError("The JSON document is nested too deeply.") from exc

    def response(self, *args: t.Any, **kwargs: t.Any) -> Response:
        """Serialise the arguments into a response with :attr:`mimetype`.

        The body ends with a newline. It is indented by two spaces when
        :attr:`compact` is ``False``, or ``None`` and the app is in debug mode;
        otherwise it has no spaces at all.

        :param args: one value to serialise, or several to serialise as an array.
        :param kwargs: items of an object to serialise; not allowed together
            with ``args``.
        """
        return self._response_for(self._prepare_response_obj(args, kwargs))

    def _response_for(self, obj: t.Any) -> Response:
        """:meth:`response` once its arguments are one value; jsonify calls
        this directly while ``response`` is not overridden."""
        compact = self.compact
        pretty = compact is False or (compact is None and self._app.debug)
        if not self._own_dumps:
            if pretty:
                body = self.dumps(obj, indent=2)
            else:
                body = self.dumps(obj, separators=_COMPACT_SEPARATORS)
        else:
            # PERF: the encoder lookup is inlined here, this being jsonify's
            # hot path.
            encoders = self._encoders
            if encoders is None or encoders.settings != (
                self.default,
                self.ensure_ascii,
                self.sort_keys,
            ):
                encoders = self._get_encoders()
            fast = encoders.compact_fast
            if pretty:
                body = encoders.pretty.encode(obj)
            elif fast is not None:
                # PERF: _encode's common case without its call; a recursion
                # error takes _encode's own handling.
                try:
                    body = "".join(fast(obj, 0))
                except RecursionError:
                    body = _encode(encoders.compact, None, encoders.compact_args, obj)
            else:
                body = _encode(encoders.compact, None, encoders.compact_args, obj)
        cls = self._app.response_class
        text = f"{body}\n"
        rv = text_response(cls, text, self.mimetype)
        return cls(text, mimetype=self.mimetype) if rv is None else rv
