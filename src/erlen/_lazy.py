"""Objects imported on first use, for modules that must not import them at load.

An import statement inside a function costs about a microsecond on every call,
even once the module is loaded; a :class:`LazyImport` does the import once and
keeps the result.
"""

from __future__ import annotations

import importlib
import typing as t


class LazyImport:
    """A module, or one of its attributes, imported on first use and kept.

    Call :meth:`get`, or put the object on a class, where it works as a class
    attribute (``json_module = LazyImport(...)``).

    :param module: the module name, relative (``"..json"``) with ``package``.
    :param attribute: the attribute of the module to give, or ``None`` for the
        module itself.
    :param package: the package relative names are resolved against.
    """

    __slots__ = ("_module", "_attribute", "_package", "_value")

    def __init__(
        self, module: str, attribute: str | None = None, package: str | None = None
    ) -> None:
        self._module = module
        self._attribute = attribute
        self._package = package
        self._value: t.Any = None

    def get(self) -> t.Any:
        """Return the object, importing it the first time."""
        value = self._value
        if value is None:
            value = importlib.import_module(self._module, self._package)
            if self._attribute is not None:
                value = getattr(value, self._attribute)
            self._value = value
        return value

    def __get__(self, obj: object, owner: type | None = None) -> t.Any:
        return self.get()
