"""folium elements that call the atlas's own Leaflet helpers (``static/js/atlas.js``).

Every element carries its data as one compact JSON literal, escaped for a ``<script>``
block, and declares ``atlas.js`` / ``atlas.css`` in ``default_js`` / ``default_css`` with
paths relative to the static root; :func:`geo.offline.localize` turns them into served URLs
and streamlit-folium loads them like any plugin asset.
"""

from __future__ import annotations

from typing import Any

from branca.element import CssLink, Element, Figure, JavascriptLink, MacroElement
from folium.elements import JSCSSMixin
from folium.template import Template
from jinja2.utils import htmlsafe_json_dumps

ATLAS_JS = ("atlas_js", "js/atlas.js")
ATLAS_CSS = ("atlas_css", "css/atlas.css")
#: folium's patched Leaflet.heat (vendored); same link name as folium.plugins.HeatMap.
HEAT_JS = (
    "leaflet-heat.js",
    "https://cdn.jsdelivr.net/gh/python-visualization/folium@main/folium/templates/"
    "leaflet_heat.min.js",
)
FULLSCREEN_JS = (
    "Control.Fullscreen.js",
    "https://cdn.jsdelivr.net/npm/leaflet.fullscreen@3.0.0/Control.FullScreen.min.js",
)
FULLSCREEN_CSS = (
    "Control.FullScreen.css",
    "https://cdn.jsdelivr.net/npm/leaflet.fullscreen@3.0.0/Control.FullScreen.css",
)

def script_json(obj: Any) -> str:
    """Serialise ``obj`` as compact JSON that is safe inside a ``<script>`` element.

    :func:`jinja2.utils.htmlsafe_json_dumps` (folium's ``|tojson``) turns ``<``, ``>``, ``&``
    and ``'`` into ``\\u003c`` etc., so ``</script>`` or ``<!--`` in a firm's name cannot end
    the script block and the JSON stays valid JavaScript. Names stay UTF-8 (half the bytes of
    ``\\uXXXX`` for Chinese), so U+2028/U+2029 are escaped here: raw, they end a string
    literal in JavaScript engines before ES2019, and an exported map may be opened in one.
    Plain ``str`` (not ``Markup``), so concatenating it escapes nothing.

    >>> script_json({"n": "</script>"})
    '{"n":"\\\\u003c/script\\\\u003e"}'
    """
    text = str(htmlsafe_json_dumps(obj, ensure_ascii=False, separators=(",", ":"),
                                   allow_nan=False))
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


class _RawScript(Element):
    """Script text added to the figure as is.

    branca wraps each rendered script in ``Element(text)``, which compiles the text as a
    Jinja template — seconds for a multi-megabyte point payload. This skips that.
    """

    def __init__(self, text: str) -> None:
        super().__init__()
        self._text = text

    def render(self, **kwargs: object) -> str:
        return self._text


class JsCall(JSCSSMixin, MacroElement):
    """Run one JavaScript expression and keep its value in a variable.

    ``code`` may contain ``{parent}`` (the parent element's variable, e.g. the map or a
    FeatureGroup) — substituted at render time, so streamlit-folium's renaming of element
    variables keeps working.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = {{ this.code_for_render() }};
        {% endmacro %}
        """
    )

    def __init__(self, code: str, *, name: str = "atlas_call",
                 js: list[tuple[str, str]] | None = None,
                 css: list[tuple[str, str]] | None = None) -> None:
        super().__init__()
        self._name = name
        self.code = code
        self.default_js = [ATLAS_JS, *(js or [])]
        self.default_css = [ATLAS_CSS, *(css or [])]

    def code_for_render(self) -> str:
        parent = self._parent.get_name() if self._parent is not None else "null"
        return self.code.replace("{parent}", parent)

    # branca types Element.render -> str; the MacroElement.render we extend returns None
    def render(self, **kwargs: object) -> None:  # type: ignore[override]
        """Add the asset links and the script to the root figure (no children)."""
        figure = self.get_root()
        if not isinstance(figure, Figure):
            raise TypeError(f"{self.get_name()} is not in a folium Map/Figure; add it first")
        for name, url in self.default_js:
            figure.header.add_child(JavascriptLink(url), name=name)
        for name, url in self.default_css:
            figure.header.add_child(CssLink(url), name=name)
        script = self._template.module.__dict__["script"](self, kwargs)
        figure.script.add_child(_RawScript(script), name=self.get_name())


def js_layer(factory: str, data: Any, options: dict[str, Any] | None = None, *,
             name: str = "atlas_layer", js: list[tuple[str, str]] | None = None) -> JsCall:
    """Return an element calling ``L.atlas.<factory>(data, options).addTo(parent)``."""
    args = script_json(data)
    if options:
        args += "," + script_json(options)
    return JsCall(f"L.atlas.{factory}({args}).addTo({{parent}})", name=name, js=js)


def js_control(call: str, *args: Any, name: str = "atlas_control") -> JsCall:
    """Return an element calling ``L.atlas.<call>(parent, *args)`` (map controls)."""
    rendered = ",".join(["{parent}", *(script_json(a) for a in args)])
    return JsCall(f"L.atlas.{call}({rendered})", name=name)


def legend_control(html: str, *, position: str = "bottomright",
                   name: str = "atlas_legend") -> JsCall:
    """A legend (pre-escaped HTML) shown while its layer group is on the map."""
    return js_layer("legend", html, {"position": position}, name=name)
