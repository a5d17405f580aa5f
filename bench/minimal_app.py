"""A second baseline for bench_post_ratio.py: the least a durable consent endpoint must do.

It parses the JSON body, signs a token with itsdangerous and inserts one row into the same kind
of database as the consent log, with the same durability (SQLite in WAL mode with the log's
synchronous setting, or PostgreSQL with a pooled connection in autocommit), then answers 201 with
the token. The consent server's rate over this one shows what validation, the hash chain,
the statistics rollup and the rest cost on top of the unavoidable work.

    MINIMAL_DATABASE_URL=sqlite:///tmp/minimal.sqlite3?synchronous=full \\
        gunicorn --workers 2 --chdir bench minimal_app:app
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading

from flask import Flask, jsonify, request
from itsdangerous import URLSafeTimedSerializer

app = Flask(__name__)
signer = URLSafeTimedSerializer(os.environ.get("MINIMAL_SECRET", "m" * 48), salt="minimal")
DATABASE_URL = os.environ.get("MINIMAL_DATABASE_URL", "sqlite:///minimal.sqlite3")
local = threading.local()


def sqlite_connection() -> sqlite3.Connection:
    connection = getattr(local, "connection", None)
    if connection is None:
        path, _, query = DATABASE_URL.removeprefix("sqlite:///").partition("?")
        synchronous = query.partition("synchronous=")[2] or "full"
        connection = sqlite3.connect(path, isolation_level=None, timeout=5)
        connection.execute("PRAGMA journal_mode = WAL")
        connection.execute(f"PRAGMA synchronous = {synchronous.upper()}")
        connection.execute(
            "CREATE TABLE IF NOT EXISTS decisions (seq INTEGER PRIMARY KEY, body TEXT)"
        )
        local.connection = connection
    return connection


def postgres_pool():
    pool = getattr(app, "postgres_pool", None)
    if pool is None:
        from psycopg_pool import ConnectionPool

        pool = app.postgres_pool = ConnectionPool(
            DATABASE_URL, min_size=1, max_size=4, kwargs={"autocommit": True}
        )
        with pool.connection() as connection:
            connection.execute(
                "CREATE TABLE IF NOT EXISTS decisions (seq BIGSERIAL PRIMARY KEY, body TEXT)"
            )
    return pool


@app.post("/api/v1/consent")
def decide() -> tuple[object, int]:
    body = request.get_json()
    token = signer.dumps({"choices": body["choices"]})
    text = json.dumps(body)
    if DATABASE_URL.startswith("sqlite:"):
        sqlite_connection().execute("INSERT INTO decisions (body) VALUES (?)", (text,))
    else:
        with postgres_pool().connection() as connection:
            connection.execute("INSERT INTO decisions (body) VALUES (%s)", (text,))
    return jsonify(token=token), 201
