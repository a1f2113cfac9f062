"""Proxies that forward to the object a :class:`~contextvars.ContextVar` holds.

Only what Flask's context globals need: a :class:`LocalProxy` reads the current
value of a context variable (optionally an attribute of it) on every operation.
"""

from __future__ import annotations

import collections.abc as cabc
import typing as t
from contextvars import ContextVar

_T = t.TypeVar("_T")
_MISSING: t.Any = object()


class LocalProxy(t.Generic[_T]):
    """Forward every operation to the value of a context variable.

    :param local: the :class:`~contextvars.ContextVar` to read.
    :param name: read this attribute of the variable's value instead of the value.
    :param unbound_message: the :class:`RuntimeError` message when the variable is
        not set, which should say how to fix the situation.

    .. note:: Unlike Werkzeug's proxy this one only wraps context variables, the
       only use erlen and Flask make of it.
    """

    __slots__ = ("__wrapped", "_erlen_get", "__weakref__")

    def __init__(
        self,
        local: ContextVar[t.Any],
        name: str | None = None,
        *,
        unbound_message: str | None = None,
    ) -> None:
        message = unbound_message or "object is not bound"
        get = local.get

        # PERF: one closure per proxy, chosen once, so each access costs a single
        # Python call plus the ContextVar lookup.
        if name is None:

            def _get_current_object() -> t.Any:
                obj = get(_MISSING)
                if obj is _MISSING:
                    raise RuntimeError(message)
                return obj

        else:

            def _get_current_object() -> t.Any:
                obj = get(_MISSING)
                if obj is _MISSING:
                    raise RuntimeError(message)
                return getattr(obj, name)

        object.__setattr__(self, "_erlen_get", _get_current_object)
        object.__setattr__(self, "_LocalProxy__wrapped", local)

    def _get_current_object(self) -> _T:
        """Return the object the proxy currently points to."""
        return self._erlen_get()  # type: ignore[no-any-return]

    def __getattr__(self, name: str) -> t.Any:
        if name == "__wrapped__":
            return self.__wrapped
        return getattr(self._erlen_get(), name)

    def __setattr__(self, name: str, value: t.Any) -> None:
        setattr(self._erlen_get(), name, value)

    def __delattr__(self, name: str) -> None:
        delattr(self._erlen_get(), name)

    def __repr__(self) -> str:
        try:
            obj = self._erlen_get()
        except RuntimeError:
            return f"<{type(self).__name__} unbound>"
        return repr(obj)

    def __str__(self) -> str:
        return str(self._erlen_get())

    def __bool__(self) -> bool:
        try:
            obj = self._erlen_get()
        except RuntimeError:
            return False
        return bool(obj)

    def __dir__(self) -> cabc.Iterable[str]:
        try:
            return dir(self._erlen_get())
        except RuntimeError:
            return []

    def __eq__(self, other: object) -> bool:
        return bool(self._erlen_get() == other)

    def __ne__(self, other: object) -> bool:
        return bool(self._erlen_get() != other)

    def __hash__(self) -> int:
        return hash(self._erlen_get())

    def __len__(self) -> int:
        return len(self._erlen_get())

    def __iter__(self) -> cabc.Iterator[t.Any]:
        return iter(self._erlen_get())

    def __contains__(self, item: object) -> bool:
        return item in self._erlen_get()

    def __getitem__(self, key: t.Any) -> t.Any:
        return self._erlen_get()[key]

    def __setitem__(self, key: t.Any, value: t.Any) -> None:
        self._erlen_get()[key] = value

    def __delitem__(self, key: t.Any) -> None:
        del self._erlen_get()[key]

    def __call__(self, *args: t.Any, **kwargs: t.Any) -> t.Any:
        return self._erlen_get()(*args, **kwargs)

    def __enter__(self) -> t.Any:
        return self._erlen_get().__enter__()

    def __exit__(self, *exc_info: t.Any) -> t.Any:
        return self._erlen_get().__exit__(*exc_info)

    @property  # type: ignore[misc]
    def __class__(self) -> type:
        # COMPAT: isinstance(request, Request) is true, as with Werkzeug's proxy.
        try:
            return type(self._erlen_get())
        except RuntimeError:
            return type(self)
