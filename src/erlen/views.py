"""Class-based views: :class:`View` and :class:`MethodView`."""

from __future__ import annotations

import collections.abc as cabc
import inspect
import typing as t

from .globals import current_app
from .globals import request

if t.TYPE_CHECKING:
    from .typing import ResponseReturnValue

#: The method names :class:`MethodView` looks for, lower case.
HTTP_METHOD_FUNCS = frozenset(
    ["get", "post", "head", "options", "delete", "put", "trace", "patch"]
)


def _call(
    func: cabc.Callable[..., t.Any], kwargs: dict[str, t.Any]
) -> ResponseReturnValue:
    """Call ``func``; a coroutine function goes through the app's ``ensure_sync``."""
    # PERF: a sync method is called directly, without a proxy lookup per request.
    if inspect.iscoroutinefunction(func):
        func = current_app.ensure_sync(func)
    return t.cast("ResponseReturnValue", func(**kwargs))


class View:
    """A view written as a class; subclass it and implement :meth:`dispatch_request`.

    Register it with ``app.add_url_rule(rule, view_func=MyView.as_view("name"))``.
    These class attributes configure the generated view function:

    * ``methods``: the methods the rule allows (the app's default when ``None``).
    * ``decorators``: decorators applied to the generated function, in order.
    * ``provide_automatic_options``: whether the app answers ``OPTIONS`` itself.
    * ``init_every_request``: build an instance for every request (the
      default), or one instance when :meth:`as_view` is called, shared by all
      requests; it must then keep no per-request state on ``self``.
    """

    methods: t.ClassVar[cabc.Collection[str] | None] = None
    provide_automatic_options: t.ClassVar[bool | None] = None
    decorators: t.ClassVar[list[cabc.Callable[..., t.Any]]] = []
    init_every_request: t.ClassVar[bool] = True

    def dispatch_request(self) -> ResponseReturnValue:
        """Handle one request; URL arguments arrive as keyword arguments.

        :raises NotImplementedError: the subclass does not override it.
        """
        raise NotImplementedError()

    @classmethod
    def as_view(
        cls, name: str, *class_args: t.Any, **class_kwargs: t.Any
    ) -> cabc.Callable[..., ResponseReturnValue]:
        """Return a view function named ``name`` that dispatches to this class.

        ``class_args`` and ``class_kwargs`` are passed to the constructor. The
        function carries ``view_class``, ``methods`` and
        ``provide_automatic_options`` for :meth:`~erlen.Erlen.add_url_rule`.
        """
        if cls.init_every_request:

            def view(**kwargs: t.Any) -> ResponseReturnValue:
                # COMPAT: the class is read from the registered function on
                # every call, so tests and decorators may swap ``view_class``.
                instance = outer.view_class(*class_args, **class_kwargs)
                return _call(instance.dispatch_request, kwargs)

        else:
            shared = cls(*class_args, **class_kwargs)

            def view(**kwargs: t.Any) -> ResponseReturnValue:
                return _call(shared.dispatch_request, kwargs)

        # Function attributes are set below, so the function is typed loosely.
        outer: t.Any = view
        if cls.decorators:
            # Decorators see the final name and module, as with a plain function.
            _describe(view, cls, name)
            for decorator in cls.decorators:
                outer = decorator(outer)
        _describe(outer, cls, name)
        outer.view_class = cls
        outer.methods = cls.methods
        outer.provide_automatic_options = cls.provide_automatic_options
        return t.cast("cabc.Callable[..., ResponseReturnValue]", outer)


def _describe(func: cabc.Callable[..., t.Any], cls: type[View], name: str) -> None:
    func.__name__ = name
    func.__doc__ = cls.__doc__
    func.__module__ = cls.__module__


class MethodView(View):
    """A view that calls the method named after the request method.

    ``get`` handles ``GET``, ``post`` handles ``POST``, and so on; ``HEAD``
    falls back to ``get``. Unless a subclass sets ``methods`` itself, it is
    computed when the subclass is created: the methods its direct bases allow
    plus every name of :data:`HTTP_METHOD_FUNCS` the class has.
    """

    def __init_subclass__(cls, **kwargs: t.Any) -> None:
        super().__init_subclass__(**kwargs)
        if "methods" in cls.__dict__:
            return
        inherited = {
            method
            for base in cls.__bases__
            for method in (getattr(base, "methods", None) or ())
        }
        handled = {name.upper() for name in HTTP_METHOD_FUNCS if hasattr(cls, name)}
        if inherited or handled:
            cls.methods = inherited | handled

    def dispatch_request(self, **kwargs: t.Any) -> ResponseReturnValue:
        """Call the method for ``request.method`` with the URL arguments.

        :raises AssertionError: the class has no method for the request method.
        """
        method = request.method
        handler = getattr(self, method.lower(), None)
        if handler is None and method == "HEAD":
            handler = getattr(self, "get", None)
        if handler is None:
            raise AssertionError(f"Unimplemented method {method!r}")
        return _call(handler, kwargs)
