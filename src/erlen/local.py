"""Proxies that forward to the object a :class:`~contextvars.ContextVar` holds.

Only what Flask's context globals need: a :class:`LocalProxy` reads the current
value of a context variable (optionally an attribute of it) on every operation.
"""

from __future__ import annotations

import collections.abc as cabc
import copy
import operator
import typing as t
from contextvars import ContextVar

_T = t.TypeVar("_T")


class LocalProxy(t.Generic[_T]):
    """Forward every operation to the value of a context variable.

    :param local: the :class:`~contextvars.ContextVar` to read.
    :param name: read this attribute of the variable's value instead of the value.
    :param unbound_message: the :class:`RuntimeError` message when the variable is
        not set, which should say how to fix the situation.

    Operators (comparison, arithmetic, conversion, ``copy``) apply to the
    current object, as with Werkzeug's proxy.

    .. note:: Unlike Werkzeug's proxy this one only wraps context variables, the
       only use erlen and Flask make of it. An in-place operator returns the
       proxy only when the object changed in place; for an immutable value it
       returns the new value instead of silently discarding it.
    """

    __slots__ = ("__wrapped", "_erlen_get", "_erlen_attr", "__weakref__")

    def __init_subclass__(cls, **kwargs: t.Any) -> None:
        super().__init_subclass__(**kwargs)
        if any(name[:1] != "_" for name in cls.__dict__):
            # A subclass with public attributes of its own: they must not be
            # forwarded, so it gives up the shortcut of __getattribute__.
            cls.__getattribute__ = object.__getattribute__  # type: ignore[method-assign]

    def __init__(
        self,
        local: ContextVar[t.Any],
        name: str | None = None,
        *,
        unbound_message: str | None = None,
        _missing_is_unbound: bool = False,
    ) -> None:
        message = unbound_message or "object is not bound"
        get = local.get

        # PERF: one closure per proxy, chosen once, so each access costs a single
        # Python call plus the ContextVar lookup. COMPAT: a variable's own
        # default counts as bound, as with Werkzeug's proxy.
        if name is None:

            def _get_current_object() -> t.Any:
                try:
                    return get()
                except LookupError:
                    raise RuntimeError(message) from None

        else:

            def _get_current_object() -> t.Any:
                try:
                    obj = get()
                except LookupError:
                    raise RuntimeError(message) from None
                try:
                    return getattr(obj, name)
                except AttributeError:
                    # erlen's context globals: a context without the attribute
                    # (an app context asked for ``request``) counts as unbound.
                    if not _missing_is_unbound or hasattr(type(obj), name):
                        raise  # a plain proxy, or an error inside the attribute
                    raise RuntimeError(message) from None

        object.__setattr__(self, "_erlen_get", _get_current_object)
        object.__setattr__(self, "_erlen_attr", name)
        object.__setattr__(self, "_LocalProxy__wrapped", local)

    def _get_current_object(self) -> _T:
        """Return the object the proxy currently points to."""
        return _slot_get(self)()  # type: ignore[no-any-return]

    def __getattribute__(self, name: str) -> t.Any:
        # PERF: the proxy has no public attribute, so a public name (the common
        # ``request.args``) is forwarded at once. Going through __getattr__
        # instead, Python before 3.12 first builds and drops an AttributeError
        # with its message: about 0.4 us per access.
        if name[:1] != "_":
            try:
                obj = _slot_wrapped(self).get()
            except LookupError:
                return getattr(_slot_get(self)(), name)  # raises the unbound error
            attr = _slot_attr(self)
            if attr is not None:
                try:
                    obj = getattr(obj, attr)
                except AttributeError:
                    return getattr(_slot_get(self)(), name)  # the unbound error
            return getattr(obj, name)
        return object.__getattribute__(self, name)

    def __getattr__(self, name: str) -> t.Any:
        # Only names starting with "_" that the proxy lacks arrive here.
        if name == "__wrapped__":
            return _slot_wrapped(self)
        return getattr(_slot_get(self)(), name)

    def __setattr__(self, name: str, value: t.Any) -> None:
        setattr(_slot_get(self)(), name, value)

    def __delattr__(self, name: str) -> None:
        delattr(_slot_get(self)(), name)

    def __repr__(self) -> str:
        try:
            obj = _slot_get(self)()
        except RuntimeError:
            return f"<{type(self).__name__} unbound>"
        return repr(obj)

    def __str__(self) -> str:
        return str(_slot_get(self)())

    def __bool__(self) -> bool:
        try:
            obj = _slot_get(self)()
        except RuntimeError:
            return False
        return bool(obj)

    def __dir__(self) -> cabc.Iterable[str]:
        try:
            return dir(_slot_get(self)())
        except RuntimeError:
            return []

    def __eq__(self, other: object) -> bool:
        return bool(_slot_get(self)() == other)

    def __ne__(self, other: object) -> bool:
        return bool(_slot_get(self)() != other)

    def __hash__(self) -> int:
        return hash(_slot_get(self)())

    def __len__(self) -> int:
        return len(_slot_get(self)())

    def __iter__(self) -> cabc.Iterator[t.Any]:
        return iter(_slot_get(self)())

    def __contains__(self, item: object) -> bool:
        return item in _slot_get(self)()

    def __getitem__(self, key: t.Any) -> t.Any:
        return _slot_get(self)()[key]

    def __setitem__(self, key: t.Any, value: t.Any) -> None:
        _slot_get(self)()[key] = value

    def __delitem__(self, key: t.Any) -> None:
        del _slot_get(self)()[key]

    def __call__(self, *args: t.Any, **kwargs: t.Any) -> t.Any:
        return _slot_get(self)()(*args, **kwargs)

    def __enter__(self) -> t.Any:
        return _slot_get(self)().__enter__()

    def __exit__(self, *exc_info: t.Any) -> t.Any:
        return _slot_get(self)().__exit__(*exc_info)

    @property  # type: ignore[misc]
    def __class__(self) -> type:
        # COMPAT: isinstance(request, Request) is true, as with Werkzeug's proxy.
        try:
            return type(_slot_get(self)())
        except RuntimeError:
            return type(self)


# The proxy's own slots, read without going through its __getattribute__.
_slot_get: t.Any = LocalProxy.__dict__["_erlen_get"].__get__
_slot_attr: t.Any = LocalProxy.__dict__["_erlen_attr"].__get__
_slot_wrapped: t.Any = LocalProxy.__dict__["_LocalProxy__wrapped"].__get__


def _forward(op: cabc.Callable[..., t.Any]) -> cabc.Callable[..., t.Any]:
    def method(self: LocalProxy[t.Any], *args: t.Any) -> t.Any:
        return op(_slot_get(self)(), *args)

    return method


def _forward_reflected(op: cabc.Callable[[t.Any, t.Any], t.Any]) -> t.Any:
    def method(self: LocalProxy[t.Any], other: t.Any) -> t.Any:
        return op(other, _slot_get(self)())

    return method


def _forward_inplace(op: cabc.Callable[[t.Any, t.Any], t.Any]) -> t.Any:
    def method(self: LocalProxy[t.Any], other: t.Any) -> t.Any:
        obj = _slot_get(self)()
        rv = op(obj, other)
        # COMPAT: Werkzeug keeps the proxy bound to a mutated object.
        return self if rv is obj else rv

    return method


_UNARY: dict[str, cabc.Callable[..., t.Any]] = {
    "__bytes__": bytes,
    "__format__": format,
    "__lt__": operator.lt,
    "__le__": operator.le,
    "__gt__": operator.gt,
    "__ge__": operator.ge,
    "__length_hint__": operator.length_hint,
    "__next__": next,
    "__reversed__": reversed,
    "__neg__": operator.neg,
    "__pos__": operator.pos,
    "__abs__": abs,
    "__invert__": operator.invert,
    "__complex__": complex,
    "__int__": int,
    "__float__": float,
    "__index__": operator.index,
    "__round__": round,
    "__copy__": copy.copy,
    "__deepcopy__": copy.deepcopy,
}
_BINARY: dict[str, cabc.Callable[[t.Any, t.Any], t.Any]] = {
    "add": operator.add,
    "sub": operator.sub,
    "mul": operator.mul,
    "matmul": operator.matmul,
    "truediv": operator.truediv,
    "floordiv": operator.floordiv,
    "mod": operator.mod,
    "divmod": divmod,
    "pow": pow,
    "lshift": operator.lshift,
    "rshift": operator.rshift,
    "and": operator.and_,
    "xor": operator.xor,
    "or": operator.or_,
}
_INPLACE: dict[str, cabc.Callable[[t.Any, t.Any], t.Any]] = {
    "add": operator.iadd,
    "sub": operator.isub,
    "mul": operator.imul,
    "matmul": operator.imatmul,
    "truediv": operator.itruediv,
    "floordiv": operator.ifloordiv,
    "mod": operator.imod,
    "pow": operator.ipow,
    "lshift": operator.ilshift,
    "rshift": operator.irshift,
    "and": operator.iand,
    "xor": operator.ixor,
    "or": operator.ior,
}
for _name, _op in _UNARY.items():
    setattr(LocalProxy, _name, _forward(_op))
for _name, _op in _BINARY.items():
    setattr(LocalProxy, f"__{_name}__", _forward(_op))
    setattr(LocalProxy, f"__r{_name}__", _forward_reflected(_op))
for _name, _op in _INPLACE.items():
    setattr(LocalProxy, f"__i{_name}__", _forward_inplace(_op))
del _name, _op
