"""Vendor the CJK font figures and pages use, so nothing depends on a system font.

Source: Debian's ``fonts-noto-cjk`` package (Noto Sans CJK, SIL Open Font License 1.1),
fetched with ``apt-get download`` at an exact version (the ordinary apt client and
registry, nothing installed), checked against its SHA-256 and unpacked with
``dpkg-deb -x``. The Simplified-Chinese face ("Noto Sans CJK SC", Regular and Bold) of the
collection is subset with fontTools to :func:`charset` — GB 2312, the GBK characters of
Guangdong place names, Latin, digits, the punctuation we use and every character of the
shipped data and text — and written as

- ``static/fonts/NotoSansCJKsc-<Weight>.otf``: for matplotlib (``geo/fonts.py``);
- ``static/fonts/NotoSansCJKsc-<Weight>.woff2``: the web font (``static/css/atlas.css``,
  ``.streamlit/config.toml``), served at ``<baseUrlPath>/app/static/fonts/``;
- ``static/fonts/OFL.txt`` (the font's copyright notice and the licence) and
  ``static/fonts/MANIFEST.json`` (source, versions, sizes, coverage, SHA-256 of every file).

::

    python scripts/vendor_font.py            # rebuild static/fonts (needs apt-get, dpkg-deb,
                                             # and brotli for WOFF2: pip install '.[build]')
    python scripts/vendor_font.py --check    # verify static/fonts and its coverage, offline

Subsetting is deterministic (the source's timestamps are kept), so a rebuild with the same
fontTools version and the same shipped text gives byte-identical files.
"""

from __future__ import annotations

import argparse
import glob
import hashlib
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from fontTools import subset
from fontTools import version as fonttools_version
from fontTools.ttLib import TTCollection, TTFont

ROOT = Path(__file__).resolve().parents[1]
FONTS = ROOT / "static" / "fonts"
MANIFEST = FONTS / "MANIFEST.json"

DEB_PACKAGE = "fonts-noto-cjk"
DEB_VERSION = "1:20220127+repack1-1"  # Debian 12 (bookworm); Noto Sans CJK 2.004
DEB_SHA256 = "4a2515eb6db3978b897fef9709ed0d2b1f4c6c4df4d83d6c4ef65f71f1b1f502"
#: face name -> (file inside the package, name of the SC face in the collection)
FACES = {
    "Regular": ("usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", "NotoSansCJKsc-Regular"),
    "Bold": ("usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc", "NotoSansCJKsc-Bold"),
}

#: Punctuation and symbols the atlas writes (GB 2312 maps some of these to other code points).
PUNCTUATION = ("、，。：；！？（）·—–‐‑“”‘’《》〈〉「」『』【】〔〕…‰‱℃°±×÷≤≥≈≠−"
               "→←↑↓▲△▼▽●○■□◆◇★☆◐✓✗※～￥€£¥²³¹")
#: GBK characters outside GB 2312 in Guangdong place names (towns, villages, rivers), e.g.
#: 道滘 (东莞), 埗, 塱, 畬, 埇, 磡, 漖, 浛洸 (英德), 南蓢 (中山), 簕, 湴, 堃, 燊, 岃, 崀, 塅, 垵.
GUANGDONG_GBK = "滘氹冚埗塱畬埇磡漖浛洸蓢簕湴堃燊甴曱岃崀坣塅垵塝"
#: Shipped files whose text reaches figures or pages (data, catalogues, messages).
SHIPPED_GLOBS = ("data/**/*.csv", "data/**/*.geojson", "data/**/*.json", "data/**/*.toml",
                 "geo/**/*.py", "ui/**/*.py", "views/**/*.py", "app.py",
                 "static/css/*.css", "static/js/atlas.js")


def _gb2312() -> set[str]:
    chars = set()
    for hi in range(0xA1, 0xF8):
        for lo in range(0xA1, 0xFF):
            try:
                chars.add(bytes((hi, lo)).decode("gb2312"))
            except UnicodeDecodeError:
                continue
    return chars


def shipped_chars(root: Path = ROOT) -> set[str]:
    """Every non-ASCII character in the shipped data and source text (:data:`SHIPPED_GLOBS`)."""
    chars: set[str] = set()
    for pattern in SHIPPED_GLOBS:
        for name in glob.glob(str(root / pattern), recursive=True):
            chars.update(ch for ch in Path(name).read_text(encoding="utf-8") if ord(ch) > 0x7E)
    return chars


#: Whole Unicode blocks kept (where the source has glyphs), so new text rarely needs a rebuild:
#: ASCII, Latin-1, general punctuation, super/subscripts, currency, letterlike symbols,
#: number forms, arrows, mathematical operators, geometric shapes, CJK symbols and
#: punctuation, halfwidth and fullwidth forms.
BLOCKS = ((0x20, 0x7E), (0xA0, 0xFF), (0x2000, 0x206F), (0x2070, 0x209F), (0x20A0, 0x20CF),
          (0x2100, 0x214F), (0x2150, 0x218F), (0x2190, 0x21FF), (0x2200, 0x22FF),
          (0x25A0, 0x25FF), (0x3000, 0x303F), (0xFF00, 0xFFEF))


def charset() -> set[str]:
    """The characters to keep: :data:`BLOCKS`, GB 2312, punctuation, Guangdong GBK, shipped."""
    blocks = {chr(c) for lo, hi in BLOCKS for c in range(lo, hi + 1)}
    return blocks | _gb2312() | set(PUNCTUATION) | set(GUANGDONG_GBK) | shipped_chars()


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _fetch(workdir: Path) -> Path:
    """``apt-get download`` the exact package version, verify it, unpack it; return the root."""
    subprocess.run(["apt-get", "download", f"{DEB_PACKAGE}={DEB_VERSION}"], cwd=workdir,
                   check=True, capture_output=True)
    deb = next(workdir.glob(f"{DEB_PACKAGE}_*.deb"))
    if _sha256(deb) != DEB_SHA256:
        raise RuntimeError(f"{deb.name}: SHA-256 {_sha256(deb)} is not the pinned {DEB_SHA256}")
    root = workdir / "deb"
    subprocess.run(["dpkg-deb", "-x", str(deb), str(root)], check=True)
    return root


def _face(ttc: Path, ps_name: str) -> TTFont:
    for font in TTCollection(ttc).fonts:
        if font["name"].getDebugName(6) == ps_name:
            return font
    raise RuntimeError(f"{ttc.name}: no face {ps_name}")


def _subset(font: TTFont, chars: set[str], out: Path, flavor: str | None) -> None:
    options = subset.Options()
    options.flavor = flavor
    options.name_IDs = ["*"]  # keep the copyright and licence records (OFL condition 2)
    options.name_languages = ["*"]
    options.notdef_outline = True
    # Horizontal text only: kerning kept; the locale (JP/KR/TC) and vertical substitutions and
    # vertical metrics would double the size for glyphs we never draw.
    options.layout_features = ["kern"]
    options.drop_tables += ["vhea", "vmtx", "VORG"]
    sub = subset.Subsetter(options)
    sub.populate(unicodes=sorted(ord(c) for c in chars))
    sub.subset(font)
    font.recalcTimestamp = False  # keep the source's head.modified: byte-identical rebuilds
    subset.save_font(font, str(out), options)


def _license(root: Path, copyright_notice: str) -> str:
    text = (root / "usr/share/doc" / DEB_PACKAGE / "copyright").read_text(encoding="utf-8")
    block = text.split("\nLicense: SIL-1.1\n", 2)[2].split("\nLicense: ", 1)[0]
    body = "\n".join("" if line == " ." else line.removeprefix(" ")
                     for line in block.splitlines())
    return (f"{copyright_notice}\n\nThe files in this folder are subsets (scripts/vendor_font.py)"
            f" of Noto Sans CJK SC from Debian's {DEB_PACKAGE} {DEB_VERSION}\n"
            f"(https://github.com/notofonts/noto-cjk), under the licence below.\n\n"
            f"{body.strip()}\n")


def build() -> dict:
    """Fetch, subset and write every face; return the manifest."""
    chars = charset()
    files: dict[str, dict] = {}
    with tempfile.TemporaryDirectory() as tmp:
        root = _fetch(Path(tmp))
        staging = Path(tmp) / "fonts"
        staging.mkdir()
        notice = ""
        for weight, (rel, ps_name) in FACES.items():
            for flavor, suffix in ((None, "otf"), ("woff2", "woff2")):
                font = _face(root / rel, ps_name)
                notice = notice or font["name"].getDebugName(0)
                out = staging / f"{ps_name}.{suffix}"
                _subset(font, chars, out, flavor)
                files[out.name] = {"weight": weight, "bytes": out.stat().st_size}
        (staging / "OFL.txt").write_text(_license(root, notice), encoding="utf-8")
        files["OFL.txt"] = {"bytes": (staging / "OFL.txt").stat().st_size}
        for name, entry in files.items():
            entry["sha256"] = _sha256(staging / name)
        if FONTS.exists():
            shutil.rmtree(FONTS)
        shutil.copytree(staging, FONTS)
    manifest = {
        "generator": "scripts/vendor_font.py",
        "source": {"package": DEB_PACKAGE, "version": DEB_VERSION, "sha256": DEB_SHA256,
                   "licence": "OFL-1.1"},
        "fonttools": fonttools_version,
        "codepoints": len(_cmap(FONTS / f"{FACES['Regular'][1]}.otf")),
        # shipped characters Noto Sans CJK does not have at all: the viewer's fallback fonts
        "not_in_source": "".join(missing(FONTS / f"{FACES['Regular'][1]}.otf",
                                         shipped_chars())),
        "files": files,
    }
    MANIFEST.write_text(json.dumps(manifest, indent=1, sort_keys=True, ensure_ascii=False) + "\n",
                        encoding="utf-8")
    return manifest


def _cmap(path: Path) -> set[int]:
    with TTFont(path, lazy=True) as font:
        return set(font.getBestCmap())


def missing(path: Path, chars: set[str]) -> list[str]:
    """Characters of ``chars`` (printable, not emoji or variation selectors) ``path`` lacks."""
    cmap = _cmap(path)
    return sorted(ch for ch in chars
                  if ord(ch) not in cmap and ch.isprintable() and ord(ch) < 0x1F000
                  and not 0xFE00 <= ord(ch) <= 0xFE0F)


def check() -> list[str]:
    """Problems found comparing ``static/fonts`` with its manifest and the shipped text."""
    if not MANIFEST.is_file():
        return [f"{MANIFEST} missing: run scripts/vendor_font.py"]
    manifest = json.loads(MANIFEST.read_text(encoding="utf-8"))
    problems = []
    for name, entry in manifest["files"].items():
        path = FONTS / name
        if not path.is_file():
            problems.append(f"missing {path}")
        elif _sha256(path) != entry["sha256"]:
            problems.append(f"changed {path}")
    if not problems:
        wanted = shipped_chars() - set(manifest.get("not_in_source", ""))
        for name in manifest["files"]:
            if name.endswith(".otf"):  # a WOFF2 is the same subset (same build, hashed)
                lacking = missing(FONTS / name, wanted)
                if lacking:
                    problems.append(f"{name} lacks {''.join(lacking)}: "
                                    "run scripts/vendor_font.py")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="verify, do not download")
    args = parser.parse_args(argv)
    if args.check:
        problems = check()
        for p in problems:
            print(p, file=sys.stderr)
        return 1 if problems else 0
    manifest = build()
    for name, entry in sorted(manifest["files"].items()):
        print(f"{name:32s} {entry['bytes'] / 1e6:6.2f} MB")
    print(f"{manifest['codepoints']} code points in every face")
    return 0


if __name__ == "__main__":
    sys.exit(main())
