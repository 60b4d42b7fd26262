"""Vendor the browser assets folium 0.20 references, so maps work with no internet.

Each npm package is fetched with ``npm pack <name>@<exact version>`` (the ordinary npm
client and registry), its tarball checked against the integrity npm reports, and only the
files the maps load (plus the package's licence) are unpacked under
``static/vendor/<dir>/`` keeping the package's own relative layout, so the CSS ``url()``
references (images, fonts) still resolve. Leaflet.heat is the patched copy that folium
ships in its wheel (``folium/templates/leaflet_heat.min.js``, weights fix), copied from the
installed folium with folium's licence.

``static/vendor/MANIFEST.json`` records every package, version, tarball integrity and the
SHA-256 of every file, so a re-run can be checked for a byte-identical result::

    python scripts/vendor_assets.py            # (re)build static/vendor from the registry
    python scripts/vendor_assets.py --check    # verify static/vendor against MANIFEST.json
    python scripts/vendor_assets.py --bundle   # rewrite static/js/atlas-bundle.js only

``static/js/atlas-bundle.js`` is Leaflet, Leaflet.heat, Leaflet.fullscreen and the atlas's
own ``static/js/atlas.js`` in one file (``geo.offline.BUNDLED``): run ``--bundle`` after
editing ``atlas.js``; ``tests/test_offline.py`` fails while the bundle is stale.

Two of folium's default CSS links are not vendored because no registry package holds them
(geo/offline.py drops them on purpose): Bootstrap 3.0.0's ``bootstrap-glyphicons.css`` and
folium's ``leaflet.awesome.rotate.min.css``; both only matter for ``folium.Icon`` markers
with a ``glyphicon`` prefix or an ``angle``, which the atlas does not draw.
"""

from __future__ import annotations

import argparse
import fnmatch
import hashlib
import json
import shutil
import subprocess
import sys
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from geo.offline import BUNDLE, STATIC_DIR, bundle_text  # noqa: E402

VENDOR = ROOT / "static" / "vendor"
MANIFEST = VENDOR / "MANIFEST.json"

AWESOME_MARKERS_LICENSE = """\
drmonty-leaflet-awesome-markers 2.0.2 ships no licence file. Its package.json declares:
  "licenses": [{"type": "MIT",
                "url": "http://github.com/lvoogdt/Leaflet.awesome-markers/blob/2.0/develop/LICENSE"}]
  "author": "Lennard Voogdt <lvoogdt@gmail.com>"
It is a repackaging of Leaflet.awesome-markers 2.0.2 by Lennard Voogdt, under the MIT licence:

Permission is hereby granted, free of charge, to any person obtaining a copy of this
software and associated documentation files (the "Software"), to deal in the Software
without restriction, including without limitation the rights to use, copy, modify, merge,
publish, distribute, sublicense, and/or sell copies of the Software, and to permit persons
to whom the Software is furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all copies or
substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED,
INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY, FITNESS FOR A PARTICULAR
PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE AUTHORS OR COPYRIGHT HOLDERS BE LIABLE
FOR ANY CLAIM, DAMAGES OR OTHER LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR
OTHERWISE, ARISING FROM, OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER
DEALINGS IN THE SOFTWARE.
"""


@dataclass(frozen=True)
class Package:
    """One npm package: exact version, target folder and the files to keep (globs)."""

    name: str
    version: str
    directory: str
    keep: tuple[str, ...]
    extra_license: str | None = None

    @property
    def spec(self) -> str:
        return f"{self.name}@{self.version}"


PACKAGES: tuple[Package, ...] = (
    Package("leaflet", "1.9.3", "leaflet-1.9.3",
            ("dist/leaflet.js", "dist/leaflet.css", "dist/images/*.png", "LICENSE")),
    Package("jquery", "3.7.1", "jquery-3.7.1", ("dist/jquery.min.js", "LICENSE.txt")),
    Package("bootstrap", "5.2.2", "bootstrap-5.2.2",
            ("dist/js/bootstrap.bundle.min.js", "dist/css/bootstrap.min.css", "LICENSE")),
    Package("@fortawesome/fontawesome-free", "6.2.0", "fontawesome-free-6.2.0",
            ("css/all.min.css", "webfonts/*", "LICENSE.txt")),
    Package("drmonty-leaflet-awesome-markers", "2.0.2", "leaflet-awesome-markers-2.0.2",
            ("js/leaflet.awesome-markers.js", "css/leaflet.awesome-markers.css",
             "css/images/markers-soft*.png", "css/images/markers-shadow*.png"),
            extra_license=AWESOME_MARKERS_LICENSE),
    Package("leaflet.markercluster", "1.1.0", "leaflet.markercluster-1.1.0",
            ("dist/leaflet.markercluster.js", "dist/MarkerCluster.css",
             "dist/MarkerCluster.Default.css", "MIT-LICENCE.txt")),
    Package("leaflet.fullscreen", "3.0.0", "leaflet.fullscreen-3.0.0",
            ("Control.FullScreen.js", "Control.FullScreen.css", "icon-fullscreen.svg",
             "LICENSE")),
    # only the licence: the code served is folium's patched copy (folium-0.20.0/)
    Package("leaflet.heat", "0.2.0", "leaflet.heat-0.2.0", ("LICENSE",)),
)

#: Files copied from the installed folium wheel (exact version checked).
FOLIUM_VERSION = "0.20.0"
FOLIUM_DIR = f"folium-{FOLIUM_VERSION}"


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _npm_pack(pkg: Package, workdir: Path) -> tuple[Path, str]:
    """Run ``npm pack`` for one exact version; return the tarball and its integrity."""
    out = subprocess.run(
        ["npm", "pack", pkg.spec, "--json", "--silent"],
        cwd=workdir, check=True, capture_output=True, text=True,
    ).stdout
    info = json.loads(out)[0]
    if info["version"] != pkg.version:
        raise RuntimeError(f"npm returned {info['name']}@{info['version']} for {pkg.spec}")
    tarball = workdir / info["filename"]
    _check_integrity(tarball, info["integrity"])
    return tarball, info["integrity"]


def _check_integrity(tarball: Path, integrity: str) -> None:
    import base64

    algo, _, digest = integrity.partition("-")
    got = base64.b64encode(hashlib.new(algo, tarball.read_bytes()).digest()).decode()
    if got != digest:
        raise RuntimeError(f"{tarball.name}: integrity mismatch ({integrity})")


def _license(tar: tarfile.TarFile) -> str:
    """The licence named in the package's package.json (``license`` or ``licenses``)."""
    src = tar.extractfile("package/package.json")
    meta = json.loads(src.read()) if src else {}
    if isinstance(meta.get("license"), str):
        return meta["license"]
    named = ", ".join(x.get("type", "?") for x in meta.get("licenses", []))
    return named or "see LICENSE (none in package.json)"


def _extract(pkg: Package, tarball: Path, dest: Path) -> tuple[list[str], str]:
    kept: list[str] = []
    with tarfile.open(tarball) as tar:
        license_name = _license(tar)
        for member in tar.getmembers():
            if not member.isfile() or not member.name.startswith("package/"):
                continue
            rel = member.name.removeprefix("package/")
            if not any(fnmatch.fnmatch(rel, pattern) for pattern in pkg.keep):
                continue
            target = dest / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            src = tar.extractfile(member)
            if src is None:
                continue
            target.write_bytes(src.read())
            kept.append(rel)
    missing = [p for p in pkg.keep if not any(fnmatch.fnmatch(k, p) for k in kept)]
    if missing:
        raise RuntimeError(f"{pkg.spec}: no file matched {missing}")
    if pkg.extra_license:
        (dest / "LICENSE.txt").write_text(pkg.extra_license, encoding="utf-8")
        kept.append("LICENSE.txt")
    return sorted(kept), license_name


def _copy_folium(dest: Path) -> dict:
    import folium

    if folium.__version__ != FOLIUM_VERSION:
        raise RuntimeError(f"folium {folium.__version__} installed, expected {FOLIUM_VERSION}")
    site = Path(folium.__file__).resolve().parent
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(site / "templates" / "leaflet_heat.min.js", dest / "leaflet_heat.min.js")
    lic = next(site.parent.glob(f"folium-{FOLIUM_VERSION}.dist-info/licenses/LICENSE*"))
    shutil.copyfile(lic, dest / "LICENSE.txt")
    return {"name": "folium (wheel): patched Leaflet.heat", "version": FOLIUM_VERSION,
            "directory": FOLIUM_DIR, "integrity": None,
            "license": "MIT (folium); code BSD-2-Clause (Leaflet.heat, see leaflet.heat-0.2.0)",
            "files": ["LICENSE.txt", "leaflet_heat.min.js"]}


def _readme(entries: list[dict]) -> str:
    lines = [
        "# Vendored browser assets (generated by scripts/vendor_assets.py — do not edit)",
        "",
        "Served by Streamlit at `<baseUrlPath>/app/static/vendor/…` so maps need no CDN",
        "(see geo/offline.py). Each folder keeps the package's own layout and licence file.",
        "",
        "| package | version | licence | folder |",
        "|---|---|---|---|",
    ]
    lines += [f"| {e['name']} | {e['version']} | {e['license']} | {e['directory']} |"
              for e in entries]
    return "\n".join(lines) + "\n"


def build() -> dict:
    """Fetch, verify and unpack every package into a fresh ``static/vendor``."""
    entries = []
    with tempfile.TemporaryDirectory() as tmp:
        staging = Path(tmp) / "vendor"
        for pkg in PACKAGES:
            tarball, integrity = _npm_pack(pkg, Path(tmp))
            files, license_name = _extract(pkg, tarball, staging / pkg.directory)
            entries.append({"name": pkg.name, "version": pkg.version,
                            "directory": pkg.directory, "integrity": integrity,
                            "license": license_name, "files": files})
        entries.append(_copy_folium(staging / FOLIUM_DIR))
        for entry in entries:
            base = staging / entry["directory"]
            entry["sha256"] = {f: _sha256(base / f) for f in entry["files"]}
        (staging / "README.md").write_text(_readme(entries), encoding="utf-8")
        if VENDOR.exists():
            shutil.rmtree(VENDOR)
        shutil.copytree(staging, VENDOR)
    manifest = {"generator": "scripts/vendor_assets.py", "packages": entries}
    MANIFEST.write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return manifest


def check() -> list[str]:
    """Return the problems found when comparing ``static/vendor`` with its manifest."""
    if not MANIFEST.is_file():
        return [f"{MANIFEST} missing: run scripts/vendor_assets.py"]
    manifest = json.loads(MANIFEST.read_text(encoding="utf-8"))
    problems = []
    bundle = STATIC_DIR / BUNDLE
    if not bundle.is_file() or bundle.read_text(encoding="utf-8") != bundle_text():
        problems.append(f"{bundle} is not current: run scripts/vendor_assets.py --bundle")
    for entry in manifest["packages"]:
        for rel, digest in entry["sha256"].items():
            path = VENDOR / entry["directory"] / rel
            if not path.is_file():
                problems.append(f"missing {path}")
            elif _sha256(path) != digest:
                problems.append(f"changed {path}")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="verify, do not download")
    parser.add_argument("--bundle", action="store_true",
                        help=f"only rewrite static/{BUNDLE} (after editing static/js/atlas.js)")
    args = parser.parse_args(argv)
    if args.bundle:
        (STATIC_DIR / BUNDLE).write_text(bundle_text(), encoding="utf-8")
        print(f"wrote static/{BUNDLE}")
        return 0
    if args.check:
        problems = check()
        for p in problems:
            print(p, file=sys.stderr)
        return 1 if problems else 0
    manifest = build()
    (STATIC_DIR / BUNDLE).write_text(bundle_text(), encoding="utf-8")
    total = sum((VENDOR / e["directory"] / f).stat().st_size
                for e in manifest["packages"] for f in e["files"])
    print(f"vendored {len(manifest['packages'])} packages, {total / 1e6:.2f} MB in {VENDOR}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
