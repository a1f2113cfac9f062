"""The ``erlen`` command line: app discovery, ``run``, ``shell``, ``routes``.

``erlen --app hello run`` (or ``python -m erlen ...``) loads an app and runs a
command; apps and blueprints add their own commands to ``app.cli``.
"""

from __future__ import annotations

from ._commands import CertParamType
from ._commands import SeparatedPathType
from ._commands import routes_command
from ._commands import run_app
from ._commands import run_command
from ._commands import shell_command
from ._commands import show_server_banner
from ._discovery import NoAppException
from ._discovery import find_app_by_string
from ._discovery import find_best_app
from ._discovery import locate_app
from ._discovery import prepare_import
from ._dotenv import load_dotenv
from ._group import AppGroup
from ._group import ErlenGroup
from ._group import ScriptInfo
from ._group import get_version
from ._group import pass_script_info
from ._group import version_option
from ._group import with_appcontext

__all__ = [
    "AppGroup",
    "CertParamType",
    "ErlenGroup",
    "NoAppException",
    "ScriptInfo",
    "SeparatedPathType",
    "cli",
    "find_app_by_string",
    "find_best_app",
    "get_version",
    "load_dotenv",
    "locate_app",
    "main",
    "pass_script_info",
    "prepare_import",
    "routes_command",
    "run_app",
    "run_command",
    "shell_command",
    "show_server_banner",
    "version_option",
    "with_appcontext",
]

#: The ``erlen`` command.
cli = ErlenGroup(
    name="erlen",
    help="""\
A general utility script for erlen applications.

An application to load must be given with the '--app' option, 'ERLEN_APP'
(or 'FLASK_APP') environment variable, or with a 'wsgi.py' or 'app.py' file in
the current directory.
""",
)


def main() -> None:
    """Run the ``erlen`` command (the console script and ``python -m erlen``)."""
    cli.main()
