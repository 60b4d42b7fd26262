"""Presentation mode and the notes every map carries (AppTest).

Leaving presentation mode used to raise StreamlitWidgetAlreadyInstantiatedError (the exit
button wrote the toggle's key after the toggle was drawn).
"""

from __future__ import annotations

import json

import pytest
from streamlit.testing.v1 import AppTest

from tests.test_pages import _app


def _map_args(at: AppTest) -> dict:
    (component,) = at.get("component_instance")
    return json.loads(component.proto.json_args)


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("page", ["overview", "cities"])
def test_leaving_presentation_mode_works(page, lang):
    at = _app(page, present="1", lang=lang)
    assert not at.exception
    assert "atlas-unfolded" in _map_args(at)["script"]  # a slide: every legend open
    at.button(key="exit_present").click().run()
    assert not at.exception, at.exception
    assert at.session_state["present"] is False
    assert "present" not in at.query_params
    assert at.sidebar.toggle(key="present").value is False
    assert not any(b.key == "exit_present" for b in at.button)
    assert "atlas-unfolded" not in _map_args(at)["script"]


def test_presentation_mode_can_be_entered_again_after_leaving():
    at = _app("overview", present="1")
    at.button(key="exit_present").click().run()
    at.sidebar.toggle(key="present").set_value(True).run()
    assert not at.exception and any(b.key == "exit_present" for b in at.button)


@pytest.mark.parametrize(("params", "sample"), [({}, True), ({"sample": "real"}, False)])
def test_map_notes_say_sample_data_exactly_when_sample_rows_are_in_view(params, sample):
    at = _app("overview", lang="en", **params)
    overlays = _map_args(at)["feature_group"]
    assert ("includes sample data" in overlays) is sample
    assert "Data version: " in overlays
