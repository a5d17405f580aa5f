"""Attack: a decision for a policy version the server never saw, although it has the manifest.

With a manifest configured, a decision names either the current policy version or one the server
archived from an earlier manifest (a visitor whose page was built one version ago); anything else
is refused, since no text exists to show what that visitor agreed to.
"""

from __future__ import annotations

import json
from pathlib import Path

from ..helpers import VALID_BODY, assert_json_error
from .helpers import decide, log_methods

OLD_VERSION, NEW_VERSION = "abc123", "def456"


def rebuilt_site(manifest_path: Path, tmp_path: Path) -> Path:
    """The manifest of the next build: a new version, and the marketing category gone."""
    data = json.loads(manifest_path.read_text())
    data["policy_version"] = NEW_VERSION
    data["categories"] = [c for c in data["categories"] if c["id"] != "marketing"]
    rebuilt = tmp_path / "rebuilt-manifest.json"
    rebuilt.write_text(json.dumps(data))
    return rebuilt


def test_a_version_the_server_never_saw_is_refused(backend, make_app, manifest_path):
    app = make_app(DATABASE_URL=backend.url, MANIFEST=str(manifest_path))

    response = decide(app.test_client(), {**VALID_BODY, "policy_version": "never-seen-1"})

    assert_json_error(response, 400, "unknown_policy_version")
    assert log_methods(app) == []
    app.extensions["consent"].store.close()


def test_the_current_version_is_accepted(backend, make_app, manifest_path):
    app = make_app(DATABASE_URL=backend.url, MANIFEST=str(manifest_path))

    response = decide(app.test_client(), {**VALID_BODY, "policy_version": OLD_VERSION})

    assert response.status_code == 201
    app.extensions["consent"].store.close()


def test_a_visitor_whose_page_is_one_version_old_is_recorded(
    backend, make_app, manifest_path, tmp_path
):
    before = make_app(DATABASE_URL=backend.url, MANIFEST=str(manifest_path))
    assert (
        decide(before.test_client(), {**VALID_BODY, "policy_version": OLD_VERSION}).status_code
        == 201
    )
    before.extensions["consent"].store.close()
    after = make_app(DATABASE_URL=backend.url, MANIFEST=str(rebuilt_site(manifest_path, tmp_path)))
    old_page = {**VALID_BODY, "policy_version": OLD_VERSION}

    response = decide(after.test_client(), old_page)

    assert response.status_code == 201, response.get_data(as_text=True)
    assert response.get_json()["policy_version"] == OLD_VERSION
    assert response.get_json()["choices"] == {
        "necessary": True,
        "analytics": True,
        "marketing": False,
    }
    refused = decide(after.test_client(), {**VALID_BODY, "policy_version": "never-seen-1"})
    assert_json_error(refused, 400, "unknown_policy_version")
    current = decide(
        after.test_client(),
        {**VALID_BODY, "policy_version": NEW_VERSION, "choices": {"analytics": True}},
    )
    assert current.status_code == 201
    assert_json_error(
        decide(after.test_client(), {**VALID_BODY, "policy_version": NEW_VERSION}),
        400,
        "unknown_category",
    )
    after.extensions["consent"].store.close()


def test_without_a_manifest_any_well_formed_version_is_accepted(backend_app):
    response = decide(backend_app.test_client(), {**VALID_BODY, "policy_version": "anything-1"})

    assert response.status_code == 201
