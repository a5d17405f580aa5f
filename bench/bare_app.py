"""The baseline for bench_post_ratio.py: a Flask app that answers `POST /api/v1/consent` with 204.

It reads the body like the real endpoint does and nothing else, so the ratio of the two request
rates shows what the consent log costs on top of Flask and gunicorn.

    gunicorn --workers 2 --chdir bench bare_app:app
"""

from __future__ import annotations

from flask import Flask, request

app = Flask(__name__)


@app.post("/api/v1/consent")
def bare() -> tuple[str, int]:
    request.get_data(cache=False)
    return "", 204
