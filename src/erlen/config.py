"""The application configuration: :class:`Config` and :class:`ConfigAttribute`.

:class:`Config` is a plain :class:`dict` with loaders for the usual places
configuration lives (Python files, objects, environment variables, JSON or TOML
files). Only UPPERCASE keys are treated as configuration, so helper names and
imports in a settings module are ignored.
"""

from __future__ import annotations

import collections.abc as cabc
import errno
import json
import os
import types
import typing as t
from datetime import timedelta

from .utils import import_string

_T = t.TypeVar("_T")

#: Every configuration key Flask 3.1 defines, with Flask's default value. The app
#: copies this into its :class:`Config` when it is created.
DEFAULT_CONFIG: dict[str, t.Any] = {
    "DEBUG": None,
    "TESTING": False,
    "PROPAGATE_EXCEPTIONS": None,
    "SECRET_KEY": None,
    "SECRET_KEY_FALLBACKS": None,
    "PERMANENT_SESSION_LIFETIME": timedelta(days=31),
    "USE_X_SENDFILE": False,
    "TRUSTED_HOSTS": None,
    "SERVER_NAME": None,
    "APPLICATION_ROOT": "/",
    "SESSION_COOKIE_NAME": "session",
    "SESSION_COOKIE_DOMAIN": None,
    "SESSION_COOKIE_PATH": None,
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SECURE": False,
    "SESSION_COOKIE_PARTITIONED": False,
    "SESSION_COOKIE_SAMESITE": None,
    "SESSION_REFRESH_EACH_REQUEST": True,
    "MAX_CONTENT_LENGTH": None,
    "MAX_FORM_MEMORY_SIZE": 500_000,
    "MAX_FORM_PARTS": 1_000,
    "SEND_FILE_MAX_AGE_DEFAULT": None,
    "TRAP_BAD_REQUEST_ERRORS": None,
    "TRAP_HTTP_EXCEPTIONS": False,
    "EXPLAIN_TEMPLATE_LOADING": False,
    "PREFERRED_URL_SCHEME": "http",
    "TEMPLATES_AUTO_RELOAD": None,
    "MAX_COOKIE_SIZE": 4093,
    "PROVIDE_AUTOMATIC_OPTIONS": True,
}

# COMPAT: the errors after which ``silent=True`` reports "not loaded" instead of
# raising. Flask tolerates a path component that is not a directory only in
# from_pyfile (and so from_envvar), not in from_file.
_PYFILE_MISSING = frozenset((errno.ENOENT, errno.EISDIR, errno.ENOTDIR))
_FILE_MISSING = frozenset((errno.ENOENT, errno.EISDIR))


class _HasConfig(t.Protocol):
    @property
    def config(self) -> Config: ...


class ConfigAttribute(t.Generic[_T]):
    """A class attribute that reads and writes one key of ``obj.config``.

    The app uses it to expose configuration values as attributes, for example
    ``secret_key = ConfigAttribute[str | bytes | None]("SECRET_KEY")``.

    :param name: the configuration key.
    :param get_converter: called on the stored value on every read, for example
        to turn a number of seconds into a :class:`~datetime.timedelta`.
    """

    def __init__(
        self, name: str, get_converter: t.Callable[[t.Any], _T] | None = None
    ) -> None:
        self.__name__ = name
        self.get_converter = get_converter

    @t.overload
    def __get__(self, obj: None, owner: type | None = None) -> ConfigAttribute[_T]: ...

    @t.overload
    def __get__(self, obj: _HasConfig, owner: type | None = None) -> _T: ...

    def __get__(
        self, obj: _HasConfig | None, owner: type | None = None
    ) -> _T | ConfigAttribute[_T]:
        if obj is None:
            return self
        rv = obj.config[self.__name__]
        if self.get_converter is not None:
            rv = self.get_converter(rv)
        return t.cast(_T, rv)

    def __set__(self, obj: _HasConfig, value: t.Any) -> None:
        obj.config[self.__name__] = value


class Config(dict[str, t.Any]):
    """A :class:`dict` of configuration values with loaders for common sources.

    Relative file names given to the loaders are resolved against ``root_path``,
    usually the application's root directory.

    :param root_path: the directory relative file names are resolved against.
    :param defaults: the initial values.
    """

    def __init__(
        self,
        root_path: str | os.PathLike[str],
        defaults: dict[str, t.Any] | None = None,
    ) -> None:
        super().__init__(defaults or {})
        self.root_path = root_path

    def from_envvar(self, variable_name: str, silent: bool = False) -> bool:
        """Load a Python configuration file named by an environment variable.

        The same as ``config.from_pyfile(os.environ[variable_name])``, with an
        error that explains what to do when the variable is unset or empty.

        :param variable_name: the environment variable holding the file name.
        :param silent: return ``False`` instead of raising when the variable is
            unset or the file is missing.
        :raises RuntimeError: the variable is unset or empty and not ``silent``.
        :return: ``True`` if the file was loaded.
        """
        filename = os.environ.get(variable_name)
        if not filename:
            if silent:
                return False
            raise RuntimeError(
                f"The environment variable {variable_name!r} is not set"
                " and as such configuration could not be loaded. Set"
                " this variable and make it point to a configuration"
                " file"
            )
        return self.from_pyfile(filename, silent=silent)

    def from_prefixed_env(
        self, prefix: str = "FLASK", *, loads: t.Callable[[str], t.Any] = json.loads
    ) -> bool:
        """Load every environment variable that starts with ``prefix + "_"``.

        The prefix is removed to form the key. Each value is passed to ``loads``
        (JSON by default, so ``1``, ``true`` and ``[1, 2]`` become Python values);
        a value ``loads`` rejects is kept as the string. A key containing ``__``
        sets a nested item: ``FLASK_DB__HOST`` sets ``config["DB"]["HOST"]``,
        creating the intermediate dicts as needed. Variables are applied in
        sorted order.

        :param prefix: the variable prefix, without the trailing underscore.
        :param loads: turns each value string into a Python value.
        :raises TypeError: a nested key runs into an existing value that is not
            a mutable mapping.
        :return: always ``True``.
        """
        prefix = f"{prefix}_"
        for env_key in sorted(os.environ):
            if not env_key.startswith(prefix):
                continue
            raw = os.environ[env_key]
            try:
                value = loads(raw)
            except Exception:
                # COMPAT: Flask keeps the raw string for any value ``loads``
                # cannot parse, whatever the exception type.
                value = raw
            key = env_key[len(prefix) :]
            if "__" not in key:
                self[key] = value
            else:
                self._set_nested(env_key, key.split("__"), value)
        return True

    def _set_nested(self, env_key: str, parts: list[str], value: t.Any) -> None:
        current: cabc.MutableMapping[str, t.Any] = self
        for part in parts[:-1]:
            if part not in current:
                current[part] = {}
            child = current[part]
            if not isinstance(child, cabc.MutableMapping):
                raise TypeError(
                    f"Cannot apply {env_key!r}: the value at {part!r} is a"
                    f" {type(child).__name__}, not a mapping."
                )
            current = child
        current[parts[-1]] = value

    def from_pyfile(
        self, filename: str | os.PathLike[str], silent: bool = False
    ) -> bool:
        """Execute a Python file and load its UPPERCASE globals.

        The file runs as Python code, like a module: it is trusted developer
        configuration, never user input.

        :param filename: the file, absolute or relative to :attr:`root_path`.
        :param silent: return ``False`` instead of raising when the file does
            not exist (or a path component is not a directory).
        :raises OSError: the file cannot be read, with ``strerror`` starting
            "Unable to load configuration file".
        :return: ``True`` if the file was loaded.
        """
        filename = os.path.join(self.root_path, filename)
        module = types.ModuleType("config")
        module.__file__ = filename
        try:
            with open(filename, mode="rb") as config_file:
                source = config_file.read()
        except OSError as exc:
            if silent and exc.errno in _PYFILE_MISSING:
                return False
            exc.strerror = f"Unable to load configuration file ({exc.strerror})"
            raise
        code = compile(source, filename, "exec")
        exec(code, module.__dict__)  # noqa: S102 - trusted developer config file
        self.from_object(module)
        return True

    def from_object(self, obj: object | str) -> None:
        """Load the UPPERCASE attributes of a module, class or other object.

        A string is imported first: ``"myapp.settings"`` or
        ``"myapp.settings.ProductionConfig"`` (``"module:attribute"`` also
        works). Attributes are read with :func:`dir` and :func:`getattr`, so
        class attributes and properties of an instance are both found.

        :param obj: the object, or its import path.
        :raises ~erlen.utils.ImportStringError: the import path cannot be
            resolved.
        """
        if isinstance(obj, str):
            obj = import_string(obj)
        for key in dir(obj):
            if key.isupper():
                self[key] = getattr(obj, key)

    def from_file(
        self,
        filename: str | os.PathLike[str],
        load: t.Callable[[t.IO[t.Any]], cabc.Mapping[str, t.Any]],
        silent: bool = False,
        text: bool = True,
    ) -> bool:
        """Load a data file with ``load`` and take its UPPERCASE keys.

        ::

            import json
            app.config.from_file("config.json", load=json.load)

            import tomllib
            app.config.from_file("config.toml", load=tomllib.load, text=False)

        .. note:: Text mode always decodes the file as UTF-8, whereas Flask uses
           the locale's default encoding.

        :param filename: the file, absolute or relative to :attr:`root_path`.
        :param load: reads the open file and returns a mapping.
        :param silent: return ``False`` instead of raising when the file does
            not exist.
        :param text: open the file in text mode (UTF-8) instead of binary.
        :raises OSError: the file cannot be read, with ``strerror`` starting
            "Unable to load configuration file".
        :return: ``True`` if the file was loaded.
        """
        filename = os.path.join(self.root_path, filename)
        try:
            if text:
                with open(filename, encoding="utf-8") as text_file:
                    obj = load(text_file)
            else:
                with open(filename, "rb") as binary_file:
                    obj = load(binary_file)
        except OSError as exc:
            if silent and exc.errno in _FILE_MISSING:
                return False
            exc.strerror = f"Unable to load configuration file ({exc.strerror})"
            raise
        return self.from_mapping(obj)

    def from_mapping(
        self, mapping: cabc.Mapping[str, t.Any] | None = None, **kwargs: t.Any
    ) -> bool:
        """Load the UPPERCASE keys of a mapping and of the keyword arguments.

        :param mapping: the values; keyword arguments override it.
        :return: always ``True``.
        """
        values: dict[str, t.Any] = {}
        if mapping is not None:
            values.update(mapping)
        values.update(kwargs)
        for key, value in values.items():
            if key.isupper():
                self[key] = value
        return True

    def get_namespace(
        self, namespace: str, lowercase: bool = True, trim_namespace: bool = True
    ) -> dict[str, t.Any]:
        """Return the items whose key starts with ``namespace``.

        ::

            app.config["IMAGE_STORE_TYPE"] = "fs"
            app.config["IMAGE_STORE_PATH"] = "/var/app/images"
            app.config.get_namespace("IMAGE_STORE_")
            # {"type": "fs", "path": "/var/app/images"}

        :param namespace: the key prefix, usually ending in ``_``.
        :param lowercase: lowercase the returned keys.
        :param trim_namespace: remove the prefix from the returned keys.
        """
        rv: dict[str, t.Any] = {}
        for key, value in self.items():
            if not key.startswith(namespace):
                continue
            if trim_namespace:
                key = key[len(namespace) :]
            if lowercase:
                key = key.lower()
            rv[key] = value
        return rv

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {dict.__repr__(self)}>"
