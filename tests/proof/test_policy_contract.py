"""The build and the server each spell how a policy version is computed (they share data, not
code): both spellings must name the same texts and give the same version."""

from __future__ import annotations

import copy

from consent_server import policy_text
from mkdocs_privacy_plugin import manifest

from .conftest import site_manifest


def test_the_build_and_the_server_hash_the_same_texts():
    assert policy_text.AGREED_TEXT_KEYS == manifest.AGREED_TEXT_KEYS


def test_the_server_recomputes_the_version_the_build_wrote():
    built = site_manifest()
    assert policy_text.content_version(built) == built["policy_version"]


def test_every_agreed_text_is_covered_by_the_version():
    built = site_manifest()
    for key in manifest.AGREED_TEXT_KEYS:
        edited = copy.deepcopy(built)
        edited["texts"]["de"][key] += " geändert"
        assert policy_text.content_version(edited) != built["policy_version"], key
