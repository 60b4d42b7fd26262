"""English UI text uses English punctuation: no full-width colon or other CJK punctuation in
any English entry of the text catalogues (names in Chinese are allowed elsewhere)."""

from __future__ import annotations

import re

import pytest

from geo import symbology
from geo.layout import CITIES, SEGMENTS, SITE_KINDS, SITE_STATUSES, TIERS, ZONES
from geo.text import CATALOGUE

#: CJK symbols and punctuation (、。「」《》【】…), full-width forms (：，；（）！？) and the
#: curly quotes a Chinese text uses (“” ‘’ are fine in English, so they are not listed)
CJK_PUNCT = re.compile(r"[\u3000-\u303f\uff00-\uffef]")


def _english() -> dict[str, str]:
    out: dict[str, str] = {}
    out.update({f"geo.text:{k}": en for k, (_, en) in CATALOGUE.items()})
    vocabs = {"segment": SEGMENTS, "tier": TIERS, "zone": ZONES, "site_kind": SITE_KINDS,
              "site_status": SITE_STATUSES, "scheme": symbology.SCHEMES}
    for name, vocab in vocabs.items():
        for code, term in vocab.items():
            term = term[0] if isinstance(term, tuple) else term  # TIERS: (term, threshold)
            out[f"{name}:{code}"] = term.label("en")
    out.update({f"city:{c.adcode}": c.name_en for c in CITIES})
    return out


def test_the_catalogues_are_found():
    entries = _english()
    assert len(entries) > 300 and "geo.text:problems" in entries


@pytest.mark.parametrize("key", sorted(_english()))
def test_no_english_entry_uses_cjk_punctuation(key):
    text = _english()[key]
    assert not CJK_PUNCT.search(text), f"{key}: {text!r}"


#: a source-code path or identifier in UI text (``geo/chain.py``, ``NEEDS``-style names)
CODE_PATH = re.compile(r"\b[\w/]+\.py\b")


@pytest.mark.parametrize("lang", [0, 1], ids=["zh", "en"])
def test_no_ui_string_names_a_source_file(lang):
    found = {k: v[lang] for k, v in CATALOGUE.items() if CODE_PATH.search(v[lang])}
    assert found == {}, found
