"""``ContentSecurityPolicy``: a parsed ``Content-Security-Policy`` header.

A dict of directive name -> value that calls ``on_update`` after each change,
with one attribute per directive (``csp.default_src`` reads and writes the
``default-src`` directive).
"""

from __future__ import annotations

import collections.abc as cabc
import typing as t

from ..http.csp import dump_csp_header
from .structures import CallbackDict

if t.TYPE_CHECKING:
    from typing_extensions import Self


class _Directive:
    """One directive as an attribute: ``None`` when absent; assigning ``None``
    or deleting removes it."""

    def __init__(self, key: str) -> None:
        self.key = key
        self.__doc__ = f"The ``{key}`` directive, or ``None`` if it is not set."

    @t.overload
    def __get__(self, instance: None, owner: type[t.Any]) -> Self: ...
    @t.overload
    def __get__(
        self, instance: ContentSecurityPolicy, owner: type[t.Any]
    ) -> str | None: ...
    def __get__(
        self, instance: ContentSecurityPolicy | None, owner: type[t.Any]
    ) -> Self | str | None:
        if instance is None:
            return self
        return instance.get(self.key)

    def __set__(self, instance: ContentSecurityPolicy, value: str | None) -> None:
        if value is None:
            instance.pop(self.key, None)
        else:
            instance[self.key] = value

    def __delete__(self, instance: ContentSecurityPolicy) -> None:
        instance.pop(self.key, None)


class ContentSecurityPolicy(CallbackDict[str, str]):
    """The directives of a ``Content-Security-Policy`` header.

    Every change (item or attribute) calls ``on_update(self)``, which is how a
    response writes the header back. :func:`erlen.http.parse_csp_header` with
    ``cls=ContentSecurityPolicy`` builds one from a header value.

    :param values: the directives, as a mapping or ``(name, value)`` pairs;
        ``None`` means none.
    :param on_update: called with the policy after each change.
    """

    base_uri = _Directive("base-uri")
    child_src = _Directive("child-src")
    connect_src = _Directive("connect-src")
    default_src = _Directive("default-src")
    font_src = _Directive("font-src")
    form_action = _Directive("form-action")
    frame_ancestors = _Directive("frame-ancestors")
    frame_src = _Directive("frame-src")
    img_src = _Directive("img-src")
    manifest_src = _Directive("manifest-src")
    media_src = _Directive("media-src")
    navigate_to = _Directive("navigate-to")
    object_src = _Directive("object-src")
    plugin_types = _Directive("plugin-types")
    prefetch_src = _Directive("prefetch-src")
    report_to = _Directive("report-to")
    report_uri = _Directive("report-uri")
    sandbox = _Directive("sandbox")
    script_src = _Directive("script-src")
    script_src_attr = _Directive("script-src-attr")
    script_src_elem = _Directive("script-src-elem")
    style_src = _Directive("style-src")
    style_src_attr = _Directive("style-src-attr")
    style_src_elem = _Directive("style-src-elem")
    worker_src = _Directive("worker-src")

    def __init__(
        self,
        values: cabc.Mapping[str, str] | cabc.Iterable[tuple[str, str]] | None = (),
        on_update: cabc.Callable[[Self], None] | None = None,
    ) -> None:
        super().__init__(values or (), on_update)

    def to_header(self) -> str:
        """Serialise as a ``Content-Security-Policy`` header value."""
        return dump_csp_header(self)

    def __str__(self) -> str:
        return self.to_header()

    def __repr__(self) -> str:
        # COMPAT: Werkzeug's form, ``<ContentSecurityPolicy img-src='*'>``, with
        # the directives sorted by name.
        directives = " ".join(f"{key}={value!r}" for key, value in sorted(self.items()))
        return f"<{type(self).__name__} {directives}>"
