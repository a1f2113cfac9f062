"""JSON helpers that follow the current application's JSON provider.

Inside an application context these functions delegate to ``current_app.json``
(a :class:`~erlen.json.provider.JSONProvider`); outside one they use the
standard library's :mod:`json`, with the default provider's extra types.
"""

from __future__ import annotations

import json as _json
import typing as t

from ..globals import _cv_ctx
from ..globals import current_app
from .provider import DefaultJSONProvider
from .provider import _default

if t.TYPE_CHECKING:
    from ..wrappers import Response


def dumps(obj: t.Any, **kwargs: t.Any) -> str:
    """Serialise ``obj`` to a JSON string.

    Uses ``current_app.json.dumps`` when an application context is active;
    otherwise :func:`json.dumps` with the default provider's ``default``
    (dates, ``Decimal``, ``UUID``, dataclasses, ``__html__``).

    :param obj: the value to serialise.
    :param kwargs: passed to the provider or to :func:`json.dumps`.
    """
    ctx = _cv_ctx.get(None)
    if ctx is not None:
        return ctx.app.json.dumps(obj, **kwargs)
    kwargs.setdefault("default", _default)
    return _json.dumps(obj, **kwargs)


def dump(obj: t.Any, fp: t.IO[str], **kwargs: t.Any) -> None:
    """Serialise ``obj`` and write the JSON text to the file ``fp``.

    Uses ``current_app.json.dump`` when an application context is active;
    otherwise :func:`json.dump` with the default provider's ``default``.

    :param obj: the value to serialise.
    :param fp: a file opened for writing text.
    :param kwargs: passed to the provider or to :func:`json.dump`.
    """
    ctx = _cv_ctx.get(None)
    if ctx is not None:
        ctx.app.json.dump(obj, fp, **kwargs)
        return
    kwargs.setdefault("default", _default)
    _json.dump(obj, fp, **kwargs)


def loads(s: str | bytes, **kwargs: t.Any) -> t.Any:
    """Parse a JSON document (``str``, or ``bytes`` in UTF-8/16/32).

    Uses ``current_app.json.loads`` when an application context is active;
    otherwise :func:`json.loads`.

    :param s: the document.
    :param kwargs: passed to the provider or to :func:`json.loads`.
    """
    ctx = _cv_ctx.get(None)
    if ctx is not None:
        return ctx.app.json.loads(s, **kwargs)
    return _json.loads(s, **kwargs)


def load(fp: t.IO[t.AnyStr], **kwargs: t.Any) -> t.Any:
    """Read and parse a JSON document from the file ``fp``.

    Uses ``current_app.json.load`` when an application context is active;
    otherwise :func:`json.load`.

    :param fp: a file opened for reading, text or binary.
    :param kwargs: passed to the provider or to :func:`json.load`.
    """
    ctx = _cv_ctx.get(None)
    if ctx is not None:
        return ctx.app.json.load(fp, **kwargs)
    return _json.load(fp, **kwargs)


def jsonify(*args: t.Any, **kwargs: t.Any) -> Response:
    """Serialise the arguments to JSON and return an ``application/json`` response.

    This calls ``current_app.json.response``, so it needs an application
    context. Keyword arguments become an object, a single positional argument
    is serialised as it is, several become an array, and no arguments give
    ``null``. Passing both positional and keyword arguments is a ``TypeError``.

    The body is compact, or indented when the app is in debug mode (see
    :attr:`~erlen.json.provider.DefaultJSONProvider.compact`), and ends with a
    newline.

    :param args: one value, or several to serialise as an array.
    :param kwargs: items of an object to serialise.
    :raises RuntimeError: outside an application context.
    """
    ctx = _cv_ctx.get(None)
    if ctx is None:
        # The proxy raises the "working outside of application context" error.
        return current_app.json.response(*args, **kwargs)
    provider = ctx.app.json
    if isinstance(provider, DefaultJSONProvider) and provider._own_response:
        # PERF: the arguments are not spread into response() a second time.
        return provider._response_for(provider._prepare_response_obj(args, kwargs))
    return provider.response(*args, **kwargs)
