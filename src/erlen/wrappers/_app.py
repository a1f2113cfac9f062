"""The wrappers' only window on the app: config and JSON through ``erlen.globals``.

Imported lazily inside functions, so the wrappers work without an app and the
app layer is never imported at module level.
"""

from __future__ import annotations

import json
import typing as t

from .._lazy import LazyImport
from ..globals import _cv_ctx


def app_config(key: str) -> t.Any:
    """Return ``current_app.config[key]``, or ``None`` outside an app context."""
    ctx = _cv_ctx.get(None)
    return None if ctx is None else ctx.app.config[key]


def app_debug() -> bool:
    """Whether the current app (if any) is in debug mode."""
    ctx = _cv_ctx.get(None)
    return ctx is not None and bool(ctx.app.debug)


def json_loads(data: bytes | str) -> t.Any:
    """Parse JSON with the current app's provider, else the standard library."""
    ctx = _cv_ctx.get(None)
    if ctx is not None:
        return ctx.app.json.loads(data)
    return json.loads(data)


#: ``json_module`` of requests and responses: :mod:`erlen.json`, imported on
#: first use (the wrappers do not import the app layer at module level).
JSON_MODULE = LazyImport("..json", package=__package__)
