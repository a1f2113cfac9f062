"""erlen: a fast WSGI web framework that speaks Flask's API.

Public names are imported on first use (PEP 562), so ``import erlen.http`` loads
only the HTTP layer and ``import erlen`` stays cheap.
"""

from __future__ import annotations

import importlib
import typing as t

__version__ = "0.1.0"

# The submodule erlen.globals will shadow the builtin globals() on this package.
_NAMESPACE = globals()

# name -> module that defines it
_EXPORTS: dict[str, str] = {
    "Erlen": "erlen.app",
    "Blueprint": "erlen.blueprints",
    "Config": "erlen.config",
    "Request": "erlen.wrappers",
    "Response": "erlen.wrappers",
    "after_this_request": "erlen.ctx",
    "copy_current_request_context": "erlen.ctx",
    "has_app_context": "erlen.ctx",
    "has_request_context": "erlen.ctx",
    "current_app": "erlen.globals",
    "g": "erlen.globals",
    "request": "erlen.globals",
    "session": "erlen.globals",
    "abort": "erlen.helpers",
    "flash": "erlen.helpers",
    "get_flashed_messages": "erlen.helpers",
    "get_template_attribute": "erlen.helpers",
    "make_response": "erlen.helpers",
    "redirect": "erlen.helpers",
    "send_file": "erlen.helpers",
    "send_from_directory": "erlen.helpers",
    "stream_with_context": "erlen.helpers",
    "url_for": "erlen.helpers",
    "jsonify": "erlen.json",
    "render_template": "erlen.templating",
    "render_template_string": "erlen.templating",
    "stream_template": "erlen.templating",
    "stream_template_string": "erlen.templating",
    "appcontext_popped": "erlen.signals",
    "appcontext_pushed": "erlen.signals",
    "appcontext_tearing_down": "erlen.signals",
    "before_render_template": "erlen.signals",
    "got_request_exception": "erlen.signals",
    "message_flashed": "erlen.signals",
    "request_finished": "erlen.signals",
    "request_started": "erlen.signals",
    "request_tearing_down": "erlen.signals",
    "template_rendered": "erlen.signals",
}

if t.TYPE_CHECKING:
    from . import json as json
    from .app import Erlen as Erlen
    from .blueprints import Blueprint as Blueprint
    from .config import Config as Config
    from .ctx import after_this_request as after_this_request
    from .ctx import copy_current_request_context as copy_current_request_context
    from .ctx import has_app_context as has_app_context
    from .ctx import has_request_context as has_request_context
    from .globals import current_app as current_app
    from .globals import g as g
    from .globals import request as request
    from .globals import session as session
    from .helpers import abort as abort
    from .helpers import flash as flash
    from .helpers import get_flashed_messages as get_flashed_messages
    from .helpers import get_template_attribute as get_template_attribute
    from .helpers import make_response as make_response
    from .helpers import redirect as redirect
    from .helpers import send_file as send_file
    from .helpers import send_from_directory as send_from_directory
    from .helpers import stream_with_context as stream_with_context
    from .helpers import url_for as url_for
    from .json import jsonify as jsonify
    from .signals import appcontext_popped as appcontext_popped
    from .signals import appcontext_pushed as appcontext_pushed
    from .signals import appcontext_tearing_down as appcontext_tearing_down
    from .signals import before_render_template as before_render_template
    from .signals import got_request_exception as got_request_exception
    from .signals import message_flashed as message_flashed
    from .signals import request_finished as request_finished
    from .signals import request_started as request_started
    from .signals import request_tearing_down as request_tearing_down
    from .signals import template_rendered as template_rendered
    from .templating import render_template as render_template
    from .templating import render_template_string as render_template_string
    from .templating import stream_template as stream_template
    from .templating import stream_template_string as stream_template_string
    from .wrappers import Request as Request
    from .wrappers import Response as Response


def __getattr__(name: str) -> t.Any:
    module_name = _EXPORTS.get(name)
    if module_name is None:
        if name == "json":
            return importlib.import_module("erlen.json")
        raise AttributeError(f"module 'erlen' has no attribute {name!r}")
    value = getattr(importlib.import_module(module_name), name)
    _NAMESPACE[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*_NAMESPACE, *_EXPORTS, "json"])


__all__ = sorted([*_EXPORTS, "json"])
