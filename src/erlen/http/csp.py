"""``Content-Security-Policy``: parse a policy into directives and dump it back.

A policy is a list of directives separated by ``;``; each directive is a name,
a space, and its value (a list of sources or keywords), for example
``default-src 'self'; img-src *``.
"""

from __future__ import annotations

import collections.abc as cabc
import typing as t

from .errors import HeaderTooLargeError
from .errors import shorten
from .headers import MAX_HEADER_VALUE_LENGTH

_T = t.TypeVar("_T")

# W3C CSP3 §2.2.1: optional whitespace around a serialized directive is
# spaces and tabs only.
_OWS = " \t"


@t.overload
def parse_csp_header(value: str | None, on_update: t.Any = None) -> dict[str, str]: ...
@t.overload
def parse_csp_header(
    value: str | None, on_update: t.Any, cls: cabc.Callable[[t.Any, t.Any], _T]
) -> _T: ...
def parse_csp_header(
    value: str | None,
    on_update: t.Any = None,
    cls: cabc.Callable[[t.Any, t.Any], _T] | None = None,
) -> dict[str, str] | _T:
    """Parse a ``Content-Security-Policy`` header into a dict of directives.

    ``"default-src 'self'; img-src *"`` gives
    ``{"default-src": "'self'", "img-src": "*"}``. Directive names keep their
    case. A directive without a value (``upgrade-insecure-requests``) and an
    empty directive (``;;``) are skipped, and a repeated directive replaces the
    earlier one, as in Werkzeug.

    :param value: the header value; ``None`` or empty gives no directives.
    :param on_update: passed on to ``cls``.
    :param cls: if given, called as ``cls(directives, on_update)``
        (:class:`erlen.datastructures.ContentSecurityPolicy`).
    :raises HeaderTooLargeError: (431) if the value is longer than
        ``MAX_HEADER_VALUE_LENGTH``.

    .. note::
        Werkzeug returns a ``ContentSecurityPolicy`` when ``cls`` is not given;
        ``erlen.http`` cannot import the data structures, so it returns a plain
        ``dict`` and the caller passes the class.
    """
    directives: dict[str, str] = {}
    if value:
        # SECURITY: bounds the work and the dict built from one header value;
        # below the limit the work is one split and one partition per directive.
        if len(value) > MAX_HEADER_VALUE_LENGTH:
            raise HeaderTooLargeError(
                f"The Content-Security-Policy value is longer than"
                f" {MAX_HEADER_VALUE_LENGTH} characters: {shorten(value)}."
            )
        for directive in value.split(";"):
            # COMPAT: Werkzeug splits name and value at the first space only;
            # a name followed by a tab alone has no value and is skipped.
            name, space, rest = directive.strip(_OWS).partition(" ")
            if space:
                # COMPAT: the last occurrence wins, as in Werkzeug (CSP3 keeps
                # the first).
                directives[name.strip(_OWS)] = rest.strip(_OWS)
    if cls is None:
        return directives
    return cls(directives, on_update)


def dump_csp_header(header: cabc.Mapping[str, t.Any]) -> str:
    """Serialise directives as a ``Content-Security-Policy`` header value.

    ``{"default-src": "'self'", "img-src": "*"}`` gives
    ``"default-src 'self'; img-src *"``. Values are converted with ``str``.

    :param header: a mapping of directive name to value, such as a
        :class:`erlen.datastructures.ContentSecurityPolicy`.
    """
    return "; ".join(f"{name} {value}" for name, value in header.items())
