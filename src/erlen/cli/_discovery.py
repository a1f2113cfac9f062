"""Finding the application: ``--app`` strings, modules, factories and files."""

from __future__ import annotations

import ast
import inspect
import os
import sys
import traceback
import types
import typing as t

import click

if t.TYPE_CHECKING:
    from ..app import Erlen

#: The attribute names tried, in order, for an app instance in a module.
APP_NAMES = ("app", "application")
#: The factory names tried, in order, when no instance is found.
FACTORY_NAMES = ("create_app", "make_app")


class NoAppException(click.UsageError):
    """Raised when an application cannot be found or loaded."""


def _erlen_class() -> type[Erlen]:
    from ..app import Erlen

    return Erlen


def _raised_by_call(exc: BaseException, f: t.Callable[..., t.Any]) -> bool:
    """Whether ``exc`` came from calling ``f`` itself rather than from its body.

    A ``TypeError`` for wrong arguments is raised before ``f``'s frame exists, so
    ``f``'s code object never shows up in the traceback.
    """
    code = getattr(f, "__code__", None)
    tb = exc.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code is code:
            return False
        tb = tb.tb_next
    return True


def find_best_app(module: types.ModuleType) -> Erlen:
    """Find the one application in ``module``.

    Tried in order: an ``app`` or ``application`` attribute that is an app; the
    only app instance among the module's attributes; a ``create_app`` or
    ``make_app`` factory called without arguments.

    :raises NoAppException: if there is no app, more than one, or the factory
        needs arguments or returns something else.
    """
    erlen_class = _erlen_class()
    for attr_name in APP_NAMES:
        app = getattr(module, attr_name, None)
        if isinstance(app, erlen_class):
            return app
    found = [v for v in vars(module).values() if isinstance(v, erlen_class)]
    if len(found) == 1:
        return found[0]
    if found:
        raise NoAppException(
            f"Detected multiple Erlen applications in module '{module.__name__}'."
            f" Use '{module.__name__}:name' to specify the correct one."
        )
    for attr_name in FACTORY_NAMES:
        factory = getattr(module, attr_name, None)
        if not inspect.isfunction(factory):
            continue
        try:
            app = factory()
        except TypeError as exc:
            if not _raised_by_call(exc, factory):
                raise
            raise NoAppException(
                f"Detected factory '{attr_name}' in module '{module.__name__}', but"
                " could not call it without arguments. Use"
                f" '{module.__name__}:{attr_name}(args)' to specify arguments."
            ) from exc
        if isinstance(app, erlen_class):
            return app
    raise NoAppException(
        "Failed to find Erlen application or factory in module"
        f" '{module.__name__}'. Use '{module.__name__}:name' to specify one."
    )


def _parse_app_string(
    app_name: str,
) -> tuple[str, tuple[t.Any, ...] | None, dict[str, t.Any]]:
    """Split ``name`` or ``name(literal, key=literal)`` into its parts.

    The arguments are read with :func:`ast.literal_eval`. ``None`` as the
    argument tuple means "not a call".
    """
    # SECURITY: only literals are evaluated; nothing in the string is executed.
    try:
        expr = ast.parse(app_name.strip(), mode="eval").body
    except (SyntaxError, ValueError, MemoryError, RecursionError):
        expr = None
    if isinstance(expr, ast.Name):
        return expr.id, None, {}
    if not isinstance(expr, ast.Call):
        raise NoAppException(
            f"Failed to parse {app_name!r} as an attribute name or function call."
        )
    if not isinstance(expr.func, ast.Name):
        raise NoAppException(f"Function reference must be a simple name: {app_name!r}.")
    try:
        args = tuple(ast.literal_eval(arg) for arg in expr.args)
        kwargs: dict[str, t.Any] = {}
        for keyword in expr.keywords:
            if keyword.arg is None:
                raise ValueError("** unpacking is not a literal")
            kwargs[keyword.arg] = ast.literal_eval(keyword.value)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        raise NoAppException(
            f"Failed to parse arguments as literal values: {app_name!r}."
        ) from None
    return expr.func.id, args, kwargs


def find_app_by_string(module: types.ModuleType, app_name: str) -> Erlen:
    """Get the app named by ``app_name`` (``name`` or ``factory(args)``) in ``module``.

    A function is called (with the literal arguments, if given); any other
    attribute must be the app itself.

    :raises NoAppException: if the string cannot be parsed, the attribute is
        missing, the call fails for its arguments or no app results.
    """
    name, args, kwargs = _parse_app_string(app_name)
    try:
        attr = getattr(module, name)
    except AttributeError as exc:
        raise NoAppException(
            f"Failed to find attribute {name!r} in {module.__name__!r}."
        ) from exc
    if inspect.isfunction(attr):
        try:
            app = attr(*(args or ()), **kwargs)
        except TypeError as exc:
            if not _raised_by_call(exc, attr):
                raise
            raise NoAppException(
                f"The factory {app_name!r} in module {module.__name__!r} could not"
                " be called with the specified arguments."
            ) from exc
    else:
        app = attr
    if isinstance(app, _erlen_class()):
        return app
    raise NoAppException(
        "A valid Erlen application was not obtained from"
        f" '{module.__name__}:{app_name}'."
    )


def prepare_import(path: str) -> str:
    """Turn a file or package path into an importable module name.

    The folder above the outermost package is put first on :data:`sys.path`, so
    ``src/proj/app.py`` (with ``src/proj/__init__.py``) becomes ``proj.app``.
    """
    path = os.path.realpath(path)
    stem, ext = os.path.splitext(path)
    if ext == ".py":
        path = stem
    if os.path.basename(path) == "__init__":
        path = os.path.dirname(path)
    parts: list[str] = []
    while True:
        path, name = os.path.split(path)
        parts.append(name)
        if not os.path.exists(os.path.join(path, "__init__.py")):
            break
    if sys.path[0] != path:
        sys.path.insert(0, path)
    return ".".join(reversed(parts))


@t.overload
def locate_app(
    module_name: str, app_name: str | None, raise_if_not_found: t.Literal[True] = True
) -> Erlen: ...


@t.overload
def locate_app(
    module_name: str, app_name: str | None, raise_if_not_found: bool = ...
) -> Erlen | None: ...


def locate_app(
    module_name: str, app_name: str | None, raise_if_not_found: bool = True
) -> Erlen | None:
    """Import ``module_name`` and find the app in it.

    :param app_name: ``name`` or ``factory(args)``; ``None`` picks the best app
        (:func:`find_best_app`).
    :param raise_if_not_found: with ``False``, a module that does not exist gives
        ``None`` instead of an error.
    :raises NoAppException: if the module fails to import (its traceback is part
        of the message) or holds no usable app.
    """
    try:
        __import__(module_name)
    except ImportError as exc:
        # COMPAT: an ImportError raised from inside the module (a traceback
        # deeper than the import statement) is a bug in the app; show it.
        if exc.__traceback__ is not None and exc.__traceback__.tb_next is not None:
            raise NoAppException(
                f"While importing {module_name!r}, an ImportError was"
                f" raised:\n\n{traceback.format_exc()}"
            ) from None
        if raise_if_not_found:
            raise NoAppException(f"Could not import {module_name!r}.") from None
        return None
    module = sys.modules[module_name]
    if app_name is None:
        return find_best_app(module)
    return find_app_by_string(module, app_name)
