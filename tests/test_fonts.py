"""The bundled CJK font: files, coverage of everything we ship, no dependence on system fonts."""

from __future__ import annotations

import importlib.util
import json
import logging
import os
import re
import shutil
import subprocess
import sys
import tomllib
import warnings
from pathlib import Path

import pandas as pd
import pytest
from matplotlib import font_manager
from matplotlib.ft2font import FT2Font

from geo import fonts
from geo.figures import render_figure

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
STATIC = ROOT / "static"
#: The text catalogues and the modules whose strings reach figures and map labels.
CATALOGUES = (*sorted(f"geo/text/{p.name}" for p in (ROOT / "geo/text").glob("*.py")),
              "geo/layout.py", "geo/figures/style.py",
              "geo/symbology.py", "geo/provenance.py", "geo/cli/render.py")
CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")
RARE = "\U00017000"  # a Tangut character: in no CJK font, the stand-in for a rare name


def _vendor_font():
    spec = importlib.util.spec_from_file_location("vendor_font", ROOT / "scripts/vendor_font.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _cmap(path: Path) -> set[int]:
    return set(FT2Font(str(path)).get_charmap())


def _shipped_strings() -> list[str]:
    """Every string we ship: the data files' cells, boundary properties and catalogues."""
    out: list[str] = []
    for csv in sorted(DATA.glob("**/*.csv")):
        frame = pd.read_csv(csv, dtype=str, keep_default_na=False)
        out += [*frame.columns, *frame.to_numpy().ravel().tolist()]
    for geojson in sorted(DATA.glob("**/*.geojson")):
        for feature in json.loads(geojson.read_text(encoding="utf-8"))["features"]:
            out += [str(v) for v in feature["properties"].values()]
    out += [(ROOT / rel).read_text(encoding="utf-8") for rel in CATALOGUES]
    return out


# ---------------------------------------------------------------------------------------
# The files
# ---------------------------------------------------------------------------------------
def test_bundled_files_match_their_manifest_and_licence():
    assert _vendor_font().check() == []
    manifest = json.loads((STATIC / "fonts/MANIFEST.json").read_text(encoding="utf-8"))
    assert set(manifest["files"]) == {p.name for p in (STATIC / "fonts").iterdir()} - {
        "MANIFEST.json"}
    licence = (STATIC / "fonts/OFL.txt").read_text(encoding="utf-8")
    assert "SIL OPEN FONT LICENSE Version 1.1" in licence and "Adobe" in licence


@pytest.mark.parametrize("weight", ["normal", "bold"])
def test_every_shipped_chinese_string_has_glyphs(weight):
    strings = _shipped_strings()
    chinese = "".join(ch for s in strings for ch in s if CJK.match(ch))
    assert len(set(chinese)) > 500  # the scan really read the names and catalogues
    cmap = _cmap(fonts.BUNDLED_FILES[weight])
    lacking = sorted({ch for ch in chinese if ord(ch) not in cmap})
    assert not lacking, f"run scripts/vendor_font.py: the font lacks {''.join(lacking)}"


def test_subset_keeps_gb2312_and_the_punctuation_we_use():
    cmap = _cmap(fonts.BUNDLED_FILES["normal"])
    gb2312 = _vendor_font()._gb2312()
    assert len(gb2312) == 7445
    assert not [ch for ch in gb2312 if ord(ch) not in cmap]
    assert all(ord(ch) in cmap for ch in "、，：（）·—“”《》0123456789AZaz℃²")
    assert all(ord(ch) in cmap for ch in "滘埗浛")  # GBK-only Guangdong place names


# ---------------------------------------------------------------------------------------
# matplotlib uses the bundled files
# ---------------------------------------------------------------------------------------
def test_figures_use_the_bundled_file_for_each_weight():
    font = fonts.find_cjk_font()
    assert font.family == "Noto Sans CJK SC"
    assert font.path == fonts.BUNDLED_FILES["normal"]
    for weight, path in fonts.BUNDLED_FILES.items():
        assert fonts.resolved_font_file(font.properties(weight=weight)) == path


def test_bundled_font_wins_over_an_installed_font_of_the_same_family(tmp_path):
    copy = tmp_path / "NotoSansCJK-Regular-installed.otf"
    shutil.copyfile(fonts.BUNDLED_FILES["normal"], copy)
    manager = font_manager.fontManager
    manager.addfont(str(copy))
    manager.ttflist.insert(0, manager.ttflist.pop())  # as if found first by the system scan
    fonts.find_cjk_font.cache_clear()
    try:
        assert fonts.resolved_font_file(fonts.find_cjk_font().properties()) == \
            fonts.BUNDLED_FILES["normal"]
    finally:
        manager.ttflist = [e for e in manager.ttflist if e.fname != str(copy)]
        fonts.find_cjk_font.cache_clear()


def test_missing_bundled_font_fails_clearly(regions, monkeypatch, tmp_path):
    monkeypatch.setattr(fonts, "BUNDLED_FILES", {"normal": tmp_path / "gone.otf"})
    fonts.find_cjk_font.cache_clear()
    try:
        with pytest.raises(fonts.FontNotFoundError, match=r"vendor_font\.py"):
            fonts.cjk_font_path()
        with pytest.raises(fonts.FontNotFoundError):
            render_figure(regions, width_px=400)
    finally:
        fonts.find_cjk_font.cache_clear()


# ---------------------------------------------------------------------------------------
# A character no font has: reported once, never a silent empty box
# ---------------------------------------------------------------------------------------
def test_installed_fonts_draw_what_the_subset_lacks(regions, monkeypatch):
    # DejaVu Serif stands in for an installed CJK font; ▸ is not in Noto Sans CJK at all
    monkeypatch.setattr(fonts, "FALLBACK_FAMILIES", ("Noto Sans CJK SC", "DejaVu Serif", "Nope"))
    fonts.find_cjk_font.cache_clear()
    try:
        font = fonts.find_cjk_font()
        assert font.families == ["Noto Sans CJK SC", "DejaVu Serif", "DejaVu Sans"]
        assert fonts.missing_glyphs(["广州▸"], font) == ""
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            render_figure(regions, width_px=400, title="广州▸")
        assert not [w for w in caught if "missing from font" in str(w.message)]
    finally:
        fonts.find_cjk_font.cache_clear()


def test_a_character_no_font_has_is_logged_once(monkeypatch, caplog):
    monkeypatch.setattr(fonts, "_reported", set())
    with caplog.at_level(logging.WARNING, logger="geo.fonts"):
        assert fonts.report_missing(["广州", f"企业{RARE}", RARE]) == RARE
        assert fonts.report_missing([RARE]) == RARE
    warnings = [r for r in caplog.records if r.name == "geo.fonts"]
    assert len(warnings) == 1
    assert "U+17000" in warnings[0].getMessage()


def test_a_figure_with_a_rare_character_names_it(regions, monkeypatch, caplog):
    monkeypatch.setattr(fonts, "_reported", set())
    with caplog.at_level(logging.WARNING, logger="geo.fonts"), \
            pytest.warns(UserWarning, match="missing from font"):  # matplotlib's own, per draw
        png = render_figure(regions, width_px=400, title=f"广东{RARE}")
    assert png.startswith(b"\x89PNG")
    assert any(RARE in r.getMessage() for r in caplog.records if r.name == "geo.fonts")


# ---------------------------------------------------------------------------------------
# No system font needed: a fresh process that sees only matplotlib's own fonts
# ---------------------------------------------------------------------------------------
_BARE = r"""
import json, sys, warnings
from pathlib import Path
import matplotlib
from matplotlib import font_manager as fm
own = str(Path(matplotlib.get_data_path()).resolve())
fm.fontManager.ttflist = [e for e in fm.fontManager.ttflist
                          if str(Path(e.fname).resolve()).startswith(own)]
fm.fontManager._findfont_cached.cache_clear()
seen = sorted({e.name for e in fm.fontManager.ttflist})
import matplotlib as mpl
from matplotlib.text import Text
from geo import fonts, figures
from geo.cli.render import cli
from geo.regions import load_regions
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    code = cli(["--out", sys.argv[1]])
    with mpl.rc_context(figures.figure_rc()):
        fig = figures.build_figure(load_regions(), title="广东省激光与增材制造产业集群（示意）")
files = {}
for t in fig.findobj(Text):
    if any("\u4e00" <= ch <= "\u9fff" for ch in t.get_text()):
        files[t.get_text()] = fm.findfont(t.get_fontproperties(), fallback_to_default=False)
print(json.dumps({"code": code, "system_families": seen, "files": sorted(set(files.values())),
                  "texts": len(files), "warnings": [str(w.message) for w in caught],
                  "missing": fonts.missing_glyphs(files)}))
"""


def test_figures_render_with_no_system_font(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    env = {**os.environ, "HOME": str(home), "XDG_CACHE_HOME": str(home / "cache"),
           "XDG_CONFIG_HOME": str(home / "config"), "XDG_DATA_HOME": str(home / "data"),
           "MPLCONFIGDIR": str(home / "mpl"), "PYTHONPATH": str(ROOT)}
    out = tmp_path / "x.png"
    proc = subprocess.run([sys.executable, "-c", _BARE, str(out)], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout.splitlines()[-1])
    assert result["code"] == 0 and out.read_bytes().startswith(b"\x89PNG")
    assert not [f for f in result["system_families"] if "CJK" in f or "Hei" in f]
    assert result["texts"] > 20  # title, legend, city labels, furniture
    assert result["files"]
    assert set(result["files"]) <= {str(p) for p in fonts.BUNDLED_FILES.values()}
    assert not [w for w in result["warnings"] if "missing from font" in w]
    assert result["missing"] == ""


# ---------------------------------------------------------------------------------------
# Web font
# ---------------------------------------------------------------------------------------
def test_map_css_declares_the_bundled_web_font():
    css = (STATIC / "css/atlas.css").read_text(encoding="utf-8")
    faces = re.findall(r"@font-face\s*{([^}]*)}", css)
    urls = {m for face in faces for m in re.findall(r"url\(\"?([^\")]+)\"?\)", face)}
    assert {(STATIC / "css" / u).resolve() for u in urls} == {
        p.with_suffix(".woff2") for p in fonts.BUNDLED_FILES.values()}
    assert all(f'font-family: "{fonts.BUNDLED_FAMILY}"' in face for face in faces)
    assert re.search(r'\.atlas-map\s*{[^}]*font-family:\s*"Noto Sans CJK SC"', css)


def test_pages_theme_uses_the_bundled_web_font():
    config = tomllib.loads((ROOT / ".streamlit/config.toml").read_text(encoding="utf-8"))
    theme = config["theme"]
    assert theme["font"].split(",")[0].strip().strip('"') == fonts.BUNDLED_FAMILY
    served = {face["weight"]: face["url"] for face in theme["fontFaces"]
              if face["family"] == fonts.BUNDLED_FAMILY}
    assert set(served) == {"400", "700"}
    for url in served.values():
        # relative to the page, so it resolves under server.baseUrlPath too
        assert url.startswith("app/static/fonts/") and url.endswith(".woff2")
        assert (STATIC / url.removeprefix("app/static/")).is_file()
