"""Serves a built MkDocs site next to the API, so a demo or small install needs one origin."""

from __future__ import annotations

import os

from flask import Blueprint, Response, current_app, redirect, request, send_from_directory
from werkzeug.exceptions import NotFound
from werkzeug.security import safe_join

bp = Blueprint("site", __name__)


@bp.get("/", defaults={"path": ""})
@bp.get("/<path:path>")
def serve(path: str) -> Response:
    root = os.path.abspath(current_app.config["CONSENT_SITE_DIR"])
    target = safe_join(root, path)
    if target is None:
        raise NotFound()
    if os.path.isdir(target):
        if path and not path.endswith("/"):
            return redirect(request.path + "/", code=308)
        path = path + "index.html"
    try:
        return send_from_directory(root, path)
    except NotFound:
        if not os.path.isfile(os.path.join(root, "404.html")):
            raise
        page = send_from_directory(root, "404.html")
        page.status_code = 404
        return page
