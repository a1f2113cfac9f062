"""Debug-mode helpers: the traceback page of the development server.

:class:`DebuggedApplication` wraps a WSGI app and answers an unhandled error with
an HTML page showing the traceback. It is what ``erlen run --debugger`` and
``run_simple(use_debugger=True)`` install.

.. note:: Unlike Werkzeug's debugger there is no interactive console and no
   PIN: the page is read-only, and nothing from a request is ever executed.
"""

from __future__ import annotations

import collections.abc as cabc
import html
import sys
import traceback
import typing as t

if t.TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse
    from _typeshed.wsgi import WSGIApplication
    from _typeshed.wsgi import WSGIEnvironment

__all__ = ["DebuggedApplication", "render_traceback_html"]

_HEADERS = [
    ("Content-Type", "text/html; charset=utf-8"),
    ("X-XSS-Protection", "0"),
    # SECURITY: the page needs no script; forbid any that slipped into it.
    ("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'"),
]

_STYLE = """
body { font-family: system-ui, sans-serif; margin: 1.5em; color: #222; }
h1 { color: #a00; margin-bottom: .2em; }
.errormsg { font-family: monospace; font-size: 1.1em; white-space: pre-wrap; }
.frame { border-left: 3px solid #ccc; margin: .6em 0; padding: .2em .8em; }
.frame h4 { margin: 0; font-weight: normal; }
pre { background: #f4f4f4; padding: .5em; overflow-x: auto; }
.note { color: #666; font-size: .9em; }
"""


def _render_stack(exc_te: traceback.TracebackException) -> list[str]:
    esc = html.escape
    parts = ['<ul class="traceback">']
    for frame in exc_te.stack:
        source = esc(frame.line or "")
        parts.append(
            f'<li><div class="frame"><h4>File <cite class="filename">'
            f'"{esc(frame.filename)}"</cite>, line <em class="line">'
            f'{frame.lineno}</em>, in <code class="function">{esc(frame.name)}'
            f'</code></h4><pre class="source">{source}</pre></div></li>'
        )
    parts.append("</ul>")
    parts.append(
        f'<p class="errormsg">{esc("".join(exc_te.format_exception_only()))}</p>'
    )
    return parts


def _chain(exc_te: traceback.TracebackException) -> list[tuple[str, t.Any]]:
    """The exceptions of a chain, oldest first, each with its linking sentence."""
    chain: list[tuple[str, t.Any]] = []
    current: traceback.TracebackException | None = exc_te
    link = ""
    while current is not None and len(chain) < 100:
        chain.append((link, current))
        if current.__cause__ is not None:
            link = "The above exception was the direct cause of the following:"
            current = current.__cause__
        elif current.__context__ is not None and not current.__suppress_context__:
            link = "During handling of the above exception, another occurred:"
            current = current.__context__
        else:
            current = None
    chain.reverse()
    return chain


def render_traceback_html(exc: BaseException) -> str:
    """The debugger page for ``exc``: its chain of tracebacks, all HTML-escaped."""
    esc = html.escape
    exc_te = traceback.TracebackException.from_exception(exc)
    title = "".join(exc_te.format_exception_only()).strip().splitlines()
    heading = esc(title[0] if title else type(exc).__name__)
    parts = [
        "<!doctype html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{heading} // Erlen Debugger</title>",
        f"<style>{_STYLE}</style></head><body>",
        f"<h1>{esc(type(exc).__name__)}</h1>",
        "<h2>Traceback <em>(most recent call last)</em></h2>",
    ]
    previous_link = ""
    for link, item in _chain(exc_te):
        if previous_link:
            parts.append(f"<p><strong>{esc(previous_link)}</strong></p>")
        parts.extend(_render_stack(item))
        previous_link = link
    text = "".join(exc_te.format())
    parts.append("<h2>Plain traceback</h2>")
    parts.append(f'<pre class="plain">{esc(text)}</pre>')
    parts.append(
        '<p class="note">The debugger caught an exception in your WSGI'
        " application. This page is read-only: it has no interactive console."
        " Never enable the debugger on a server others can reach.</p>"
    )
    parts.append("</body></html>")
    return "\n".join(parts)


class DebuggedApplication:
    """WSGI middleware answering unhandled errors with a traceback page.

    The traceback is also written to ``wsgi.errors``. If the response had
    already started when the error happened, only the log entry is written.

    :param app: the WSGI application to wrap.
    :param evalex: accepted for compatibility with Werkzeug and ignored.

    .. note:: ``evalex`` never enables code execution: erlen has no console.
    """

    def __init__(self, app: WSGIApplication, evalex: bool = False) -> None:
        self.app = app
        self.evalex = evalex

    def __call__(
        self, environ: WSGIEnvironment, start_response: StartResponse
    ) -> cabc.Iterable[bytes]:
        """Run the app; its body is passed through unless it raises."""
        return self._debug(environ, start_response)

    def _debug(
        self, environ: WSGIEnvironment, start_response: StartResponse
    ) -> cabc.Iterator[bytes]:
        app_iter: cabc.Iterable[bytes] | None = None
        try:
            app_iter = self.app(environ, start_response)
            yield from app_iter
        except Exception as exc:
            text = "".join(
                traceback.format_exception(type(exc), exc, exc.__traceback__)
            )
            try:
                # With exc_info a started-but-unsent response may be replaced;
                # a response already sent re-raises, which we catch.
                start_response("500 INTERNAL SERVER ERROR", _HEADERS, sys.exc_info())
            except Exception:
                environ["wsgi.errors"].write(
                    "Debugging middleware caught exception in streamed response"
                    " at a point where response headers were already sent.\n"
                )
            else:
                yield render_traceback_html(exc).encode("utf-8", "replace")
            environ["wsgi.errors"].write(text)
        finally:
            close = getattr(app_iter, "close", None)
            if close is not None:
                close()
