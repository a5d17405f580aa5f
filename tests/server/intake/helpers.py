"""Requests the attacks send, and how they read what the server wrote."""

from __future__ import annotations

import csv
import io
import json
import re

from flask import Flask
from flask.testing import FlaskClient

from ..helpers import ADMIN_TOKEN, VALID_BODY

VISITOR = {"REMOTE_ADDR": "198.51.100.23"}
STRANGER = {"REMOTE_ADDR": "203.0.113.99"}
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def decide(
    client: FlaskClient,
    body: dict | None = None,
    *,
    environ: dict | None = None,
    **headers: str,
):
    """POST a decision from one visitor (an address and a user agent)."""
    return client.post(
        "/api/v1/consent",
        json=VALID_BODY if body is None else body,
        headers={"User-Agent": "Visitor/1.0", **headers},
        environ_base=environ or VISITOR,
    )


def raw_post(client: FlaskClient, text: str | bytes, **headers: str):
    """POST a body exactly as given, for bodies a JSON encoder would never produce."""
    return client.post(
        "/api/v1/consent", data=text, content_type="application/json", headers=headers
    )


def log_methods(app: Flask) -> list[str]:
    return [record.method for record in app.extensions["consent"].store.records()]


def csv_cells(text: str) -> list[dict[str, str]]:
    """The export's rows as a spreadsheet reads them; a cut or merged row fails here."""
    reader = csv.DictReader(io.StringIO(text, newline=""))
    rows = list(reader)
    for row in rows:
        assert None not in row and None not in row.values(), f"a broken CSV row: {row!r}"
    return rows


def jsonl_records(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines() if line]


def csrf_of(page: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', page).group(1)


def sign_in(client: FlaskClient, token: str = ADMIN_TOKEN):
    """Sign in to the dashboard the way a browser does: load the form, post it."""
    page = client.get("/admin/sign-in").get_data(as_text=True)
    return client.post("/admin/sign-in", data={"token": token, "csrf": csrf_of(page)})


def sign_out(client: FlaskClient):
    page = client.get("/admin/").get_data(as_text=True)
    return client.post("/admin/sign-out", data={"csrf": csrf_of(page)})


def session_cookie(client: FlaskClient) -> str:
    return client.get_cookie("consent_admin", path="/admin").value
