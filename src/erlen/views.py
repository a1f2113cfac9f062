"""Class-based views: :class:`View` and :class:`MethodView`."""

from __future__ import annotations

import collections.abc as cabc
import typing as t

from .globals import current_app
from .globals import request

if t.TYPE_CHECKING:
    from .typing import ResponseReturnValue

HTTP_METHOD_FUNCS = frozenset(
    ["get", "post", "head", "options", "delete", "put", "trace", "patch"]
)


class View:
    """Subclass and implement :meth:`dispatch_request`; register with
    ``app.add_url_rule(rule, view_func=MyView.as_view("name"))``.

    Class attributes: ``methods`` (the allowed methods), ``decorators`` (applied
    to the generated view function), ``provide_automatic_options`` and
    ``init_every_request`` (create an instance per request, the default, or
    once).
    """

    methods: t.ClassVar[cabc.Collection[str] | None] = None
    provide_automatic_options: t.ClassVar[bool | None] = None
    decorators: t.ClassVar[list[cabc.Callable[..., t.Any]]] = []
    init_every_request: t.ClassVar[bool] = True

    def dispatch_request(self) -> ResponseReturnValue:
        """Handle the request; receives the URL arguments as keyword arguments."""
        raise NotImplementedError()

    @classmethod
    def as_view(
        cls, name: str, *class_args: t.Any, **class_kwargs: t.Any
    ) -> cabc.Callable[..., ResponseReturnValue]:
        """Return a view function named ``name`` that dispatches to the class."""
        if cls.init_every_request:

            def view(**kwargs: t.Any) -> ResponseReturnValue:
                self = view.view_class(  # type: ignore[attr-defined]
                    *class_args, **class_kwargs
                )
                return current_app.ensure_sync(self.dispatch_request)(**kwargs)  # type: ignore[no-any-return]

        else:
            self = cls(*class_args, **class_kwargs)

            def view(**kwargs: t.Any) -> ResponseReturnValue:
                return current_app.ensure_sync(self.dispatch_request)(**kwargs)  # type: ignore[no-any-return]

        if cls.decorators:
            view.__name__ = name
            view.__module__ = cls.__module__
            for decorator in cls.decorators:
                view = decorator(view)
        view.view_class = cls  # type: ignore[attr-defined]
        view.__name__ = name
        view.__doc__ = cls.__doc__
        view.__module__ = cls.__module__
        view.methods = cls.methods  # type: ignore[attr-defined]
        view.provide_automatic_options = cls.provide_automatic_options  # type: ignore[attr-defined]
        return view


class MethodView(View):
    """Dispatch to the method named after the request method (``get``, ``post``).

    ``methods`` is derived from the methods the class and its bases define;
    a HEAD request uses ``get`` when there is no ``head``.
    """

    def __init_subclass__(cls, **kwargs: t.Any) -> None:
        super().__init_subclass__(**kwargs)
        if "methods" not in cls.__dict__:
            methods = set()
            for base in cls.__bases__:
                if getattr(base, "methods", None):
                    methods.update(base.methods)  # type: ignore[attr-defined]
            for key in HTTP_METHOD_FUNCS:
                if hasattr(cls, key):
                    methods.add(key.upper())
            if methods:
                cls.methods = methods

    def dispatch_request(self, **kwargs: t.Any) -> ResponseReturnValue:
        """Call the method handling ``request.method``.

        :raises AssertionError: the class has no method for it.
        """
        meth = getattr(self, request.method.lower(), None)
        if meth is None and request.method == "HEAD":
            meth = getattr(self, "get", None)
        if meth is None:
            raise AssertionError(f"Unimplemented method {request.method!r}")
        return current_app.ensure_sync(meth)(**kwargs)  # type: ignore[no-any-return]
