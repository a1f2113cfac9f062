"""Loading ``.flaskenv``, ``.erlenenv`` and ``.env`` files with python-dotenv."""

from __future__ import annotations

import importlib
import os

import click

#: Default files, lowest precedence first; the nearest of each name is found by
#: searching upwards from the working directory.
DEFAULT_ENV_FILES = (".flaskenv", ".erlenenv", ".env")


def load_dotenv(
    path: str | os.PathLike[str] | None = None, load_defaults: bool = True
) -> bool:
    """Load environment variables from dotenv files (python-dotenv required).

    The default files are ``.flaskenv``, then ``.erlenenv``, then ``.env``
    (each later one wins), then ``path``. Variables already set in the
    environment are never overwritten.

    Without python-dotenv installed, a tip is printed when any of these files
    exists, and nothing is loaded.

    :param path: an extra file to load, taking precedence over the defaults.
    :param load_defaults: also search for the default files.
    :return: whether any variable was read from a file.

    .. note:: Flask reads only ``.flaskenv`` and ``.env``; ``.erlenenv`` sits
       between them.
    """
    try:
        dotenv = importlib.import_module("dotenv")
    except ImportError:
        candidates = [*DEFAULT_ENV_FILES, *([os.fspath(path)] if path else [])]
        if any(os.path.isfile(name) for name in candidates):
            click.secho(
                " * Tip: There are .env files present. Install python-dotenv"
                " to use them.",
                fg="yellow",
                err=True,
            )
        return False
    data: dict[str, str | None] = {}
    if load_defaults:
        for name in DEFAULT_ENV_FILES:
            found = dotenv.find_dotenv(name, usecwd=True)
            if found:
                data.update(dotenv.dotenv_values(found, encoding="utf-8"))
    if path is not None and os.path.isfile(path):
        data.update(dotenv.dotenv_values(path, encoding="utf-8"))
    for key, value in data.items():
        if key not in os.environ and value is not None:
            os.environ[key] = value
    return bool(data)
