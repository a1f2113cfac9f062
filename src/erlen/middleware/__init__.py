"""WSGI middleware (Werkzeug's ``werkzeug.middleware``).

Each middleware lives in its own module, as in Werkzeug, so importing one does
not import the others::

    from erlen.middleware.proxy_fix import ProxyFix
    from erlen.middleware.dispatcher import DispatcherMiddleware
    from erlen.middleware.shared_data import SharedDataMiddleware
    from erlen.middleware.lint import LintMiddleware
    from erlen.middleware.profiler import ProfilerMiddleware
"""

from __future__ import annotations
