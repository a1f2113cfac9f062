"""HTTP status codes, reason phrases and status lines.

``HTTP_STATUS_CODES`` spells the reason phrases the way Werkzeug does
(``"Non Authoritative Information"``, ``"Request URI Too Long"``), so messages
and status lines read the same as in a Flask application.
"""

from __future__ import annotations

from http import HTTPStatus

#: Every status code Werkzeug knows, mapped to its reason phrase.
HTTP_STATUS_CODES: dict[int, str] = {
    100: "Continue",
    101: "Switching Protocols",
    102: "Processing",
    103: "Early Hints",
    200: "OK",
    201: "Created",
    202: "Accepted",
    203: "Non Authoritative Information",
    204: "No Content",
    205: "Reset Content",
    206: "Partial Content",
    207: "Multi Status",
    208: "Already Reported",
    226: "IM Used",
    300: "Multiple Choices",
    301: "Moved Permanently",
    302: "Found",
    303: "See Other",
    304: "Not Modified",
    305: "Use Proxy",
    306: "Switch Proxy",
    307: "Temporary Redirect",
    308: "Permanent Redirect",
    400: "Bad Request",
    401: "Unauthorized",
    402: "Payment Required",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    406: "Not Acceptable",
    407: "Proxy Authentication Required",
    408: "Request Timeout",
    409: "Conflict",
    410: "Gone",
    411: "Length Required",
    412: "Precondition Failed",
    413: "Request Entity Too Large",
    414: "Request URI Too Long",
    415: "Unsupported Media Type",
    416: "Requested Range Not Satisfiable",
    417: "Expectation Failed",
    418: "I'm a teapot",
    421: "Misdirected Request",
    422: "Unprocessable Entity",
    423: "Locked",
    424: "Failed Dependency",
    425: "Too Early",
    426: "Upgrade Required",
    428: "Precondition Required",
    429: "Too Many Requests",
    431: "Request Header Fields Too Large",
    449: "Retry With",
    451: "Unavailable For Legal Reasons",
    500: "Internal Server Error",
    501: "Not Implemented",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
    505: "HTTP Version Not Supported",
    506: "Variant Also Negotiates",
    507: "Insufficient Storage",
    508: "Loop Detected",
    510: "Not Extended",
    511: "Network Authentication Failed",
}

# PERF: Response.status is built on every response; a dict lookup replaces an
# f-string and an upper() per call.
STATUS_LINES: dict[int, str] = {
    code: f"{code} {phrase.upper()}" for code, phrase in HTTP_STATUS_CODES.items()
}


def get_status_line(code: int) -> str:
    """Return the status line Werkzeug's ``Response.status`` shows for ``code``.

    The phrase is upper-cased (``"404 NOT FOUND"``); a code without a known
    phrase gives ``"<code> UNKNOWN"``.

    :param code: the numeric status code.
    """
    line = STATUS_LINES.get(code)
    if line is None:
        return f"{code} UNKNOWN"
    return line


def parse_status(value: str | int | HTTPStatus) -> tuple[int, str]:
    """Split a status given as a number or a string into ``(code, status line)``.

    Follows the rules of Werkzeug's ``Response.status`` setter:

    - an ``int`` (or :class:`~http.HTTPStatus`) gets its upper-cased phrase;
    - a string holding only a number (surrounding space ignored) is treated
      as that number: ``"200"`` gives ``(200, "200 OK")``;
    - a string starting with a number and a space is kept as it is:
      ``"200 Custom"`` gives ``(200, "200 Custom")``;
    - any other string gets the code ``0``: ``"abc"`` gives ``(0, "0 abc")``.

    :param value: the status.
    :raises ValueError: if the string is empty or only whitespace.
    :raises TypeError: if ``value`` is neither a string nor an integer.

    .. note::
        Werkzeug raises :class:`AttributeError` for a value that is neither a
        string nor an integer (such as a float); erlen raises
        :class:`TypeError`, which says what is wrong.
    """
    if isinstance(value, int):
        code = int(value)
        return code, get_status_line(code)
    if not isinstance(value, str):
        raise TypeError(f"A status must be an int or a str, not {type(value)!r}.")
    status = value.strip()
    if not status:
        raise ValueError("Empty status argument")
    try:
        code = int(status)
    except ValueError:
        pass
    else:
        return code, get_status_line(code)
    # COMPAT: Werkzeug splits on the first plain space only; a tab or a
    # non-breaking space after the number makes the whole string a phrase.
    code_text, _, _ = status.partition(" ")
    try:
        code = int(code_text)
    except ValueError:
        return 0, f"0 {status}"
    return code, status
