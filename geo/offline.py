"""Serve every map asset from the app itself: no request leaves the app's origin.

folium points Leaflet, jQuery, Bootstrap, Font Awesome and each plugin at public CDNs; with
no internet such a map is a blank box. ``scripts/vendor_assets.py`` unpacks the exact npm
versions folium 0.20 references under ``static/vendor/``; Streamlit serves ``./static`` at
``<server.baseUrlPath>/app/static/`` (``server.enableStaticServing``). :func:`localize`
rewrites every element's ``default_js`` / ``default_css`` in a map tree to those local
paths, and fails loudly on a link it has no file for.

The atlas's own scripts and styles (``static/js/atlas.js``, ``static/css/atlas.css``) are
declared by its elements with paths relative to the static root; :func:`localize` prefixes
them with the same base URL.

Examples
--------
>>> import folium
>>> m = localize(folium.Map(tiles=None))
>>> remote_urls(render_html(m))
[]
"""

from __future__ import annotations

import base64
import mimetypes
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Final, TypeVar

from branca.element import CssLink, Element, JavascriptLink

STATIC_DIR: Final = Path(__file__).resolve().parents[1] / "static"
#: Where Streamlit serves ``./static`` when ``server.baseUrlPath`` is empty.
DEFAULT_BASE_URL: Final = "/app/static"

_CDNJS: Final = "https://cdnjs.cloudflare.com/ajax/libs"
_JSDELIVR: Final = "https://cdn.jsdelivr.net"

#: Every CDN link folium 0.20 emits for the elements the atlas may use -> vendored file
#: (path relative to ``static/``).
VENDORED: Final[dict[str, str]] = {
    f"{_JSDELIVR}/npm/leaflet@1.9.3/dist/leaflet.js": "vendor/leaflet-1.9.3/dist/leaflet.js",
    f"{_JSDELIVR}/npm/leaflet@1.9.3/dist/leaflet.css": "vendor/leaflet-1.9.3/dist/leaflet.css",
    "https://code.jquery.com/jquery-3.7.1.min.js": "vendor/jquery-3.7.1/dist/jquery.min.js",
    f"{_CDNJS}/jquery/3.7.1/jquery.min.js": "vendor/jquery-3.7.1/dist/jquery.min.js",
    f"{_JSDELIVR}/npm/bootstrap@5.2.2/dist/js/bootstrap.bundle.min.js":
        "vendor/bootstrap-5.2.2/dist/js/bootstrap.bundle.min.js",
    f"{_JSDELIVR}/npm/bootstrap@5.2.2/dist/css/bootstrap.min.css":
        "vendor/bootstrap-5.2.2/dist/css/bootstrap.min.css",
    f"{_JSDELIVR}/npm/@fortawesome/fontawesome-free@6.2.0/css/all.min.css":
        "vendor/fontawesome-free-6.2.0/css/all.min.css",
    f"{_CDNJS}/Leaflet.awesome-markers/2.0.2/leaflet.awesome-markers.js":
        "vendor/leaflet-awesome-markers-2.0.2/js/leaflet.awesome-markers.js",
    f"{_CDNJS}/Leaflet.awesome-markers/2.0.2/leaflet.awesome-markers.css":
        "vendor/leaflet-awesome-markers-2.0.2/css/leaflet.awesome-markers.css",
    f"{_CDNJS}/leaflet.markercluster/1.1.0/leaflet.markercluster.js":
        "vendor/leaflet.markercluster-1.1.0/dist/leaflet.markercluster.js",
    f"{_CDNJS}/leaflet.markercluster/1.1.0/MarkerCluster.css":
        "vendor/leaflet.markercluster-1.1.0/dist/MarkerCluster.css",
    f"{_CDNJS}/leaflet.markercluster/1.1.0/MarkerCluster.Default.css":
        "vendor/leaflet.markercluster-1.1.0/dist/MarkerCluster.Default.css",
    # jsDelivr minifies on the fly; the npm package holds the unminified file only
    f"{_JSDELIVR}/npm/leaflet.fullscreen@3.0.0/Control.FullScreen.min.js":
        "vendor/leaflet.fullscreen-3.0.0/Control.FullScreen.js",
    f"{_JSDELIVR}/npm/leaflet.fullscreen@3.0.0/Control.FullScreen.css":
        "vendor/leaflet.fullscreen-3.0.0/Control.FullScreen.css",
    f"{_JSDELIVR}/gh/python-visualization/folium@main/folium/templates/leaflet_heat.min.js":
        "vendor/folium-0.20.0/leaflet_heat.min.js",
}

#: Links removed on purpose: no registry package holds them and the atlas needs neither
#: (they only serve ``folium.Icon`` with a ``glyphicon`` prefix or an ``angle``).
DROPPED: Final[dict[str, str]] = {
    "https://netdna.bootstrapcdn.com/bootstrap/3.0.0/css/bootstrap-glyphicons.css":
        "Bootstrap 3.0.0 glyphicons are not on npm; atlas markers use no glyphicon",
    f"{_JSDELIVR}/gh/python-visualization/folium/folium/templates/leaflet.awesome.rotate.min.css":
        "folium-repository CSS, not on npm; atlas markers are never rotated",
}

#: The scripts of an atlas map, in load order, served as one file (:data:`BUNDLE`):
#: streamlit-folium loads a map's scripts one after another, each waiting for the previous
#: to arrive and run, so four files cost four round trips before the map can draw.
#: :func:`localize` points every link to one of these at the bundle (same link name, so a
#: rendered page holds one ``<script>``); ``scripts/vendor_assets.py`` writes it and
#: ``tests/test_offline.py`` checks that it is current.
BUNDLED: Final = (
    "vendor/leaflet-1.9.3/dist/leaflet.js",
    "vendor/folium-0.20.0/leaflet_heat.min.js",
    "vendor/leaflet.fullscreen-3.0.0/Control.FullScreen.js",
    "js/atlas.js",
)
BUNDLE: Final = "js/atlas-bundle.js"
_BUNDLE_NAME: Final = "atlas_bundle"

_OWN_DIRS: Final = ("js/", "css/", "vendor/")
_ABSOLUTE = re.compile(r"^(?:[a-z][a-z0-9+.-]*:)?//", re.IGNORECASE)


def static_base_url(base_url_path: str = "") -> str:
    """Return the URL prefix of ``./static`` for a Streamlit ``server.baseUrlPath``.

    >>> static_base_url("")
    '/app/static'
    >>> static_base_url("/atlas/")
    '/atlas/app/static'
    """
    prefix = str(base_url_path or "").strip("/")
    if any(c in prefix for c in "\"'<> \\?#"):
        raise ValueError(f"invalid server.baseUrlPath {base_url_path!r}")
    return f"/{prefix}/app/static" if prefix else DEFAULT_BASE_URL


def _check_base(base_url: str) -> str:
    if not isinstance(base_url, str) or not base_url.startswith("/"):
        raise ValueError(f"base_url must be an absolute path such as '/app/static', "
                         f"got {base_url!r}")
    if _ABSOLUTE.match(base_url) or any(c in base_url for c in "\"'<> \\"):
        raise ValueError(f"base_url must be a same-origin path, got {base_url!r}")
    return base_url.rstrip("/")


def static_path(url: str) -> str | None:
    """Return the file (relative to ``static/``) serving ``url``; ``None`` if dropped.

    ``url`` is a CDN link folium emits, a path relative to the static root
    (``"js/atlas.js"``) or an already localized path (``"/app/static/js/atlas.js"``).

    Raises
    ------
    ValueError
        If ``url`` is a remote link with no vendored file (the message names it).
    """
    if url in VENDORED:
        return VENDORED[url]
    if url in DROPPED:
        return None
    if _ABSOLUTE.match(url):
        raise ValueError(
            f"no vendored file for asset {url!r}: add its npm package to "
            "scripts/vendor_assets.py and its link to geo.offline.VENDORED"
        )
    rel = url
    if "/app/static/" in rel:  # already localized, possibly under another base URL
        rel = rel.rsplit("/app/static/", 1)[1]
    if rel.startswith(_OWN_DIRS) and ".." not in rel and (STATIC_DIR / rel).is_file():
        return rel
    raise ValueError(f"asset {url!r} not found under {STATIC_DIR}")


def _walk(element: Element) -> Iterator[Element]:
    yield element
    for child in list(element._children.values()):
        yield from _walk(child)


def bundle_text() -> str:
    """The content of :data:`BUNDLE`: the :data:`BUNDLED` files, in order, each with its
    own licence header kept and its source-map comment dropped."""
    parts = [f"/* {BUNDLE}: generated by scripts/vendor_assets.py from "
             + ", ".join(BUNDLED) + "; each part keeps its licence header */"]
    for rel in BUNDLED:
        code = (STATIC_DIR / rel).read_text(encoding="utf-8")
        code = re.sub(r"^//# sourceMappingURL=.*$", "", code, flags=re.MULTILINE).rstrip()
        parts.append(f"/* ---- {rel} ---- */\n{code}\n;")
    return "\n".join(parts) + "\n"


def _localize_links(links: list[tuple[str, str]], base: str) -> list[tuple[str, str]]:
    out = []
    for name, url in links:
        rel = static_path(url)
        if rel in BUNDLED:
            out.append((_BUNDLE_NAME, f"{base}/{BUNDLE}"))
        elif rel is not None:
            out.append((name, f"{base}/{rel}"))
    return out


#: any element of a map tree; :func:`localize` returns the one it was given
E = TypeVar("E", bound=Element)


def localize(element: E, base_url: str = DEFAULT_BASE_URL) -> E:
    """Point every asset link in ``element``'s tree at the app's own static files.

    Walks the whole tree from the root (the ``Figure`` of a map, or a free-standing
    ``FeatureGroup``), replaces each element's ``default_js`` / ``default_css`` by a new list
    of local URLs (never mutating folium's class-level lists) and rewrites header links left
    by an earlier render. Idempotent.

    Parameters
    ----------
    element : branca.element.Element
        A ``folium.Map``, a ``FeatureGroup`` or any element of a map tree.
    base_url : str
        Where ``./static`` is served, e.g. ``static_base_url(st.get_option(
        "server.baseUrlPath"))``.

    Returns
    -------
    Element
        ``element`` itself, modified in place.

    Raises
    ------
    ValueError
        If a link has no vendored file; the message names the asset.
    """
    base = _check_base(base_url)
    for node in _walk(element.get_root()):
        for attr in ("default_js", "default_css"):
            links = getattr(node, attr, None)
            if links:
                setattr(node, attr, _localize_links(list(links), base))
        if isinstance(node, JavascriptLink | CssLink) and node.url:
            rel = static_path(node.url)
            if rel is None:
                node.url = ""
            else:
                node.url = f"{base}/{BUNDLE if rel in BUNDLED else rel}"
    return element


def asset_links(element: Element) -> tuple[list[str], list[str]]:
    """Return the JS and CSS links ``st_folium`` would send for ``element``'s tree.

    Mirrors streamlit-folium 0.27's collection (every ``default_js`` / ``default_css`` in tree
    order, de-duplicated), so tests can check what the component loads.
    """
    js: list[str] = []
    css: list[str] = []
    for node in _walk(element):
        js.extend(url for _, url in getattr(node, "default_js", []) or [])
        css.extend(url for _, url in getattr(node, "default_css", []) or [])
    return list(dict.fromkeys(js)), list(dict.fromkeys(css))


_ATTR_URL = re.compile(
    r"<(?:script|link|img|iframe|source|embed)\b[^>]*?\b(?:src|href)\s*=\s*[\"']?([^\"' >]+)",
    re.IGNORECASE,
)
_CSS_URL = re.compile(r"url\(\s*[\"']?([^\"')\s]+)", re.IGNORECASE)
_IMPORT_URL = re.compile(r"@import\s+[\"']([^\"']+)", re.IGNORECASE)
_REMOTE = re.compile(r"^(?:https?:)?//", re.IGNORECASE)


def asset_urls(html: str) -> list[str]:
    """Return every asset URL ``html`` loads: script/link/img sources and CSS ``url()``.

    Tile URL templates (strings inside scripts) and ``<a href>`` links are not assets.
    """
    found: list[str] = []
    for pattern in (_ATTR_URL, _CSS_URL, _IMPORT_URL):
        found.extend(m.group(1) for m in pattern.finditer(html))
    return list(dict.fromkeys(u for u in found if not u.startswith(("data:", "#"))))


def remote_urls(html: str) -> list[str]:
    """Return the ``http(s)://`` (or protocol-relative) asset URLs left in ``html``.

    >>> remote_urls('<script src="https://cdn.example/x.js"></script>')
    ['https://cdn.example/x.js']
    >>> remote_urls('<script>L.tileLayer("https://{s}.tile.org/{z}/{x}/{y}.png")</script>')
    []
    """
    return [u for u in asset_urls(html) if _REMOTE.match(u)]


# a literal "_" first lets the regex engine skip fast through megabytes of point data
_UUID_SUFFIX = re.compile(r"_([0-9a-f]{32})(?![0-9a-zA-Z])")


def normalize_ids(html: str) -> str:
    """Replace folium's random element ids (uuid4 hex) by sequence numbers.

    Ids are numbered in order of first appearance, so the same map tree gives the same HTML.
    """
    mapping: dict[str, str] = {}

    def _sub(match: re.Match[str]) -> str:
        return "_" + mapping.setdefault(match.group(1), f"{len(mapping):06d}")

    return _UUID_SUFFIX.sub(_sub, html)


def render_html(element: Element) -> str:
    """Render ``element``'s map (its root ``Figure``) to HTML with stable element ids."""
    return normalize_ids(element.get_root().render())


_SCRIPT_TAG = re.compile(r'<script\b[^>]*\bsrc="([^"]+)"[^>]*>\s*</script>', re.IGNORECASE)
_LINK_TAG = re.compile(r'<link\b[^>]*\bhref="([^"]+)"[^>]*/?>', re.IGNORECASE)
_FONT_FACE = re.compile(r"@font-face\s*\{[^}]*\}", re.IGNORECASE)
#: The bundled CJK web font (``scripts/vendor_font.py``): the one face a standalone export
#: embeds, so its Chinese labels draw on a laptop with no CJK font, offline.
FONTS_DIR: Final = STATIC_DIR / "fonts"
_MIME: Final = {".woff2": "font/woff2"}


def _static_file(url: str, base: str) -> Path:
    if not url.startswith(base + "/"):
        raise ValueError(f"asset {url!r} is not under {base!r}; localize the map first")
    path = (STATIC_DIR / url[len(base) + 1:]).resolve()
    if STATIC_DIR.resolve() not in path.parents or not path.is_file():
        raise ValueError(f"asset {url!r} not found under {STATIC_DIR}")
    return path


def _data_uri(path: Path) -> str:
    mime = _MIME.get(path.suffix) or mimetypes.guess_type(path.name)[0] or \
        "application/octet-stream"
    return f"data:{mime};base64,{base64.b64encode(path.read_bytes()).decode('ascii')}"


def _keep_font_face(match: re.Match[str], css_dir: Path) -> str:
    """A ``@font-face`` rule kept when all its files are the bundled CJK face, else ``""``."""
    refs = re.findall(r"url\(\s*[\"']?([^\"')\s]+)", match.group(0))
    fonts = FONTS_DIR.resolve()
    bundled = bool(refs) and all((css_dir / ref).resolve().parent == fonts for ref in refs)
    return match.group(0) if bundled else ""


def _inline_css(path: Path) -> str:
    css = _FONT_FACE.sub(lambda m: _keep_font_face(m, path.parent),
                         path.read_text(encoding="utf-8"))

    def _sub(match: re.Match[str]) -> str:
        ref = match.group(1)
        if ref.startswith(("data:", "#")) or _REMOTE.match(ref):
            return match.group(0)
        target = (path.parent / ref.split("?")[0].split("#")[0]).resolve()
        if not target.is_file():
            return match.group(0)
        return f'url("{_data_uri(target)}"'

    css = re.sub(r"url\(\s*[\"']?([^\"')\s]+)[\"']?", _sub, css)
    return css.replace("</", "<\\/")


def inline_html(element: Element, base_url: str = DEFAULT_BASE_URL) -> str:
    """Return a self-contained HTML page of ``element``'s map that works offline from disk.

    Localizes the map, renders it with stable ids, then inlines every script and stylesheet
    (images and the bundled CJK web font, regular and bold, as ``data:`` URIs: about 3.9 MB;
    other web fonts dropped — the atlas draws no icon fonts). Only the optional online tile
    templates stay remote.
    """
    base = _check_base(base_url)
    html = render_html(localize(element, base))

    def _script(match: re.Match[str]) -> str:
        code = _static_file(match.group(1), base).read_text(encoding="utf-8")
        return "<script>" + re.sub(r"</(script)", r"<\\/\1", code, flags=re.IGNORECASE) + \
            "</script>"

    def _link(match: re.Match[str]) -> str:
        if "stylesheet" not in match.group(0):
            return match.group(0)
        return "<style>" + _inline_css(_static_file(match.group(1), base)) + "</style>"

    html = _SCRIPT_TAG.sub(_script, html)
    return _LINK_TAG.sub(_link, html)
