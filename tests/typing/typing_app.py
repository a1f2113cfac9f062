"""Type-checked usage of the public API (checked by mypy, not collected by pytest)."""

from __future__ import annotations

from erlen import Erlen
from erlen import Response
from erlen import jsonify
from erlen import request

app = Erlen(__name__)


@app.route("/")
def index() -> str:
    return request.args.get("q", "")


@app.get("/json")
def as_json() -> Response:
    return jsonify(ok=True)


@app.after_request
def after(response: Response) -> Response:
    response.headers["X-Checked"] = "1"
    return response


@app.errorhandler(404)
def not_found(error: Exception) -> tuple[str, int]:
    return "missing", 404


page: int = request.args.get("page", 1, type=int)
