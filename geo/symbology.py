"""One description of what a map shows, read by every renderer (web map and figure).

The folium web map (:mod:`geo.maps`) and the matplotlib briefing figure (:mod:`geo.figures`)
draw the same things; everything that decides *how* they look lives here, so the two can
never disagree:

- the classification schemes (a vocabulary with labels) and :func:`classify`, which is
  deterministic (natural breaks are Fisher–Jenks, the exact optimum; mapclassify's
  ``NaturalBreaks`` is k-means from a random start and gives different breaks per run);
- class labels, the colour ramp and the no-data style, and the legend rows built from them;
- the plan's layout colours (zones, corridor, carrier cities) and its legend rows;
- label anchors (one per area, inside its largest part) and short area names.

Nothing here imports folium or matplotlib.

Examples
--------
>>> c = classify(pd.Series([0, 1, 2, 3, 10, 20]), "user_defined", breaks=[2, 10])
>>> c.labels
('0 – 2', '3 – 10', '11 – 20')
>>> [row.label for row in legend_rows(c, "zh")]
['0 – 2（3）', '3 – 10（2）', '11 – 20（1）']
"""

from __future__ import annotations

import functools
import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Final

import mapclassify
import numpy as np
import pandas as pd
import shapely
from numpy.typing import NDArray

from geo.layout import (
    CITY_BY_ADCODE,
    CORRIDOR_LABEL,
    LAYOUT_GROUPS,
    ZONES,
    Term,
    layout_group,
)
from geo.text import check_lang, pick, t

# ---------------------------------------------------------------------------------------
# Vocabulary
# ---------------------------------------------------------------------------------------
#: Classification schemes, in the order the UI offers them.
SCHEMES: Final[dict[str, Term]] = {
    t.code: t
    for t in (
        Term("quantiles", "分位数", "Quantiles"),
        Term("natural_breaks", "自然断点（Jenks）", "Natural breaks (Jenks)"),
        Term("equal_interval", "等间距", "Equal interval"),
        Term("user_defined", "自定义", "User-defined"),
    )
}
_SCHEME_ALIASES: Final = {
    "quantile": "quantiles", "jenks": "natural_breaks", "naturalbreaks": "natural_breaks",
    "fisherjenks": "natural_breaks", "fisher_jenks": "natural_breaks",
    "equalinterval": "equal_interval", "userdefined": "user_defined", "breaks": "user_defined",
}
MIN_K: Final = 2
MAX_K: Final = 9

#: ColorBrewer YlGnBu, light to dark, for 3–9 classes (1 and 2 classes take from the 3).
RAMP_NAME: Final = "YlGnBu"
_YLGNBU: Final[dict[int, tuple[str, ...]]] = {
    3: ("#edf8b1", "#7fcdbb", "#2c7fb8"),
    4: ("#ffffcc", "#a1dab4", "#41b6c4", "#225ea8"),
    5: ("#ffffcc", "#a1dab4", "#41b6c4", "#2c7fb8", "#253494"),
    6: ("#ffffcc", "#c7e9b4", "#7fcdbb", "#41b6c4", "#2c7fb8", "#253494"),
    7: ("#ffffcc", "#c7e9b4", "#7fcdbb", "#41b6c4", "#1d91c0", "#225ea8", "#0c2c84"),
    8: ("#ffffd9", "#edf8b1", "#c7e9b4", "#7fcdbb", "#41b6c4", "#1d91c0", "#225ea8",
        "#0c2c84"),
    9: ("#ffffd9", "#edf8b1", "#c7e9b4", "#7fcdbb", "#41b6c4", "#1d91c0", "#225ea8",
        "#253494", "#081d58"),
}
#: No data: grey, hatched, with its own legend row (never coloured as zero).
NO_DATA_FILL: Final = "#d9d9d9"
NO_DATA_EDGE: Final = "#a3a3a3"
NO_DATA_HATCH: Final = "//////"

#: The plan's layout, Okabe–Ito: core orange, the belt's wings two blues (one belt),
#: north green; the corridor vermilion; carrier cities a dark dashed outline.
ZONE_COLORS: Final = {
    "core": "#E69F00",
    "east_wing": "#0072B2",
    "west_wing": "#56B4E9",
    "north": "#009E73",
}
ZONE_FILL_OPACITY: Final = 0.55
CORRIDOR_COLOR: Final = "#D55E00"
CARRIER_COLOR: Final = "#3b3b3b"

class BreaksError(ValueError):
    """User-defined class breaks are missing or invalid; the message says which and why."""


def normalize_scheme(scheme: str) -> str:
    """Return the key of a classification scheme; ``ValueError`` naming an unknown one.

    >>> normalize_scheme("Jenks")
    'natural_breaks'
    """
    key = str(scheme).strip().lower().replace("-", "_").replace(" ", "_")
    key = _SCHEME_ALIASES.get(key, key)
    if key not in SCHEMES:
        raise ValueError(f"unknown classification scheme {scheme!r}; "
                         f"expected one of {list(SCHEMES)}")
    return key


def check_breaks(breaks: Sequence[float] | None) -> tuple[float, ...]:
    """Check user-defined upper class limits: present, finite, strictly increasing.

    Raises
    ------
    BreaksError
        When ``breaks`` is missing or empty, holds a non-number, or is not increasing.
    """
    if breaks is None or len(breaks) == 0:
        raise BreaksError("scheme 'user_defined' needs breaks (ascending upper class limits, "
                          "e.g. 10, 50, 100)")
    try:
        arr = np.asarray(list(breaks), dtype=float)
    except (TypeError, ValueError):
        raise BreaksError(f"breaks must be numbers, got {list(breaks)!r}") from None
    if not np.all(np.isfinite(arr)) or np.any(np.diff(arr) <= 0):
        raise BreaksError(f"breaks must be finite and strictly ascending, got {list(breaks)!r}")
    return tuple(float(b) for b in arr)


def parse_breaks(raw: str) -> tuple[float, ...]:
    """Parse comma-separated breaks (ASCII or full-width commas) and check them.

    >>> parse_breaks("10，50, 100")
    (10.0, 50.0, 100.0)
    """
    parts = [p.strip() for p in str(raw).replace("，", ",").split(",") if p.strip()]
    try:
        values = [float(p) for p in parts]
    except ValueError:
        raise BreaksError(f"breaks must be numbers separated by commas, got {raw!r}") from None
    return check_breaks(values)


def ramp(n: int) -> tuple[str, ...]:
    """The ``n`` class colours, light to dark (``n`` from 0 to 9)."""
    if not 0 <= n <= MAX_K:
        raise ValueError(f"a ramp has 0 to {MAX_K} colours, got {n}")
    if n == 0:
        return ()
    if n <= 2:
        base = _YLGNBU[3]
        return (base[1],) if n == 1 else (base[0], base[2])
    return _YLGNBU[n]


# ---------------------------------------------------------------------------------------
# Classification
# ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Classes:
    """A classified metric: what the legend states and which class each area is in.

    Attributes
    ----------
    scheme : str
        Key of :data:`SCHEMES`.
    lower, upper : tuple of float
        Limits of each class; ``v`` is in class ``i`` when ``upper[i-1] < v <= upper[i]``
        (class 0 from the minimum).
    labels : tuple of str
        Honest limits, e.g. ``"12.0 – 30.5"``; for integer data the integers a class holds.
    colors : tuple of str
        Hex colour of each class (:func:`ramp`).
    index : pandas.Series
        Class of each input value, ``-1`` for no data; same index as the values.
    """

    scheme: str
    lower: tuple[float, ...]
    upper: tuple[float, ...]
    labels: tuple[str, ...]
    colors: tuple[str, ...]
    index: pd.Series = field(repr=False, compare=False)

    @property
    def k(self) -> int:
        """Number of classes (0 when no value is a number)."""
        return len(self.upper)

    @property
    def counts(self) -> tuple[int, ...]:
        """Number of values in each class."""
        idx = self.index.to_numpy(dtype=int)
        return tuple(int(n) for n in np.bincount(idx[idx >= 0], minlength=self.k))

    @property
    def n_missing(self) -> int:
        """Number of values without data."""
        return int((self.index.to_numpy(dtype=int) < 0).sum())

    def color_of(self, i: int) -> str:
        """Fill colour of class ``i`` (no-data grey for ``-1``)."""
        return self.colors[i] if i >= 0 else NO_DATA_FILL


def infer_decimals(values: NDArray[np.float64]) -> int:
    """Decimals that show ``values`` honestly: 0 for integers, more for small numbers."""
    y = values[np.isfinite(values)]
    if y.size == 0 or np.all(np.isclose(y, np.round(y))):
        return 0
    top = float(np.max(np.abs(y)))
    return 1 if top >= 10 else 2 if top >= 0.1 else 3


def _fmt(x: float, decimals: int) -> str:
    return f"{x:,.{decimals}f}"


def class_labels(lower: Sequence[float], upper: Sequence[float], decimals: int,
                 integral: bool) -> list[str]:
    """Labels of classes ``(lower, upper]``: for integer data the integers each holds."""
    labels = []
    for i, (lo, hi) in enumerate(zip(lower, upper, strict=True)):
        if integral and decimals == 0:
            lo_s = _fmt(math.floor(lo) + 1 if i > 0 else math.ceil(lo), 0)
            hi_s = _fmt(math.floor(hi), 0)
        else:
            lo_s, hi_s = _fmt(lo, decimals), _fmt(hi, decimals)
        labels.append(lo_s if lo_s == hi_s else f"{lo_s} – {hi_s}")
    return labels


def _upper_bounds(y: NDArray[np.float64], scheme: str, k: int,
                  breaks: tuple[float, ...] | None) -> list[float]:
    if scheme == "user_defined":
        assert breaks is not None  # checked by classify
        # the user's classes stay as given (stable across filters, empty ones count 0);
        # a last class up to the maximum holds values above the last break
        return list(breaks) if breaks[-1] >= y.max() else [*breaks, float(y.max())]
    k_eff = min(k, len(np.unique(y)))
    if k_eff < 2:
        return [float(y.max())]
    cls = {"quantiles": mapclassify.Quantiles, "natural_breaks": mapclassify.FisherJenks,
           "equal_interval": mapclassify.EqualInterval}[scheme]
    with warnings.catch_warnings():  # "Numba not installed", "Not enough unique values"
        warnings.simplefilter("ignore", UserWarning)
        return sorted({float(b) for b in cls(y, k=k_eff).bins})


def classify(values: pd.Series | Sequence[float], scheme: str = "quantiles", k: int = 5,
             breaks: Sequence[float] | None = None, decimals: int | None = None) -> Classes:
    """Classify ``values`` (NaN = no data) and label the classes honestly.

    Parameters
    ----------
    values : pandas.Series or sequence of float
        Numeric values; missing or non-finite ones are no data (class ``-1``).
    scheme : {"quantiles", "natural_breaks", "equal_interval", "user_defined"}
        ``natural_breaks`` is Fisher–Jenks: the same data always give the same breaks.
    k : int
        Number of classes (2–9); fewer when there are fewer distinct values.
    breaks : sequence of float, optional
        Upper class limits for ``user_defined``, kept as given; a class up to the maximum is
        added when the data exceed the last break.
    decimals : int, optional
        Decimals of the labels (inferred when ``None``).

    Raises
    ------
    BreaksError
        ``user_defined`` without valid breaks.
    ValueError
        Unknown scheme, ``k`` outside 2–9, bad ``decimals``.
    """
    key = normalize_scheme(scheme)
    if isinstance(k, bool) or not isinstance(k, int | np.integer) or not MIN_K <= k <= MAX_K:
        raise ValueError(f"k must be an integer from {MIN_K} to {MAX_K}, got {k!r}")
    user = check_breaks(breaks) if key == "user_defined" else None
    if decimals is not None and (isinstance(decimals, bool) or not isinstance(decimals, int)
                                 or not 0 <= decimals <= 6):
        raise ValueError(f"decimals must be an integer from 0 to 6, got {decimals!r}")
    series = values if isinstance(values, pd.Series) else pd.Series(list(values))
    y_all = pd.to_numeric(series, errors="coerce").to_numpy(dtype=float)
    ok = np.isfinite(y_all)
    index = np.full(len(y_all), -1, dtype=int)
    if not ok.any():
        return Classes(key, (), (), (), (), pd.Series(index, index=series.index))
    y = y_all[ok]
    upper = _upper_bounds(y, key, int(k), user)
    lower = [float(y.min()), *upper[:-1]]
    index[ok] = np.minimum(np.searchsorted(upper, y, side="left"), len(upper) - 1)
    dec = infer_decimals(y) if decimals is None else decimals
    integral = bool(np.all(np.isclose(y, np.round(y))))
    return Classes(
        scheme=key, lower=tuple(lower), upper=tuple(upper),
        labels=tuple(class_labels(lower, upper, dec, integral)), colors=ramp(len(upper)),
        index=pd.Series(index, index=series.index),
    )


# ---------------------------------------------------------------------------------------
# Legends
# ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class LegendRow:
    """One legend entry: a symbol ``kind`` drawn in ``color``, and its label.

    Kinds: ``fill`` (area), ``nodata`` (grey hatched area), ``band`` (the corridor),
    ``dashed`` (carrier outline), ``line`` (a boundary line).
    """

    kind: str
    color: str
    label: str


def legend_heading(title: str, unit: str, lang: str) -> str:
    """``title（unit）`` in Chinese, ``title (unit)`` in English; the title alone without unit."""
    return t("aside", lang, text=title, aside=unit) if unit else title


def scheme_note(classes: Classes, lang: str) -> str:
    """How the classes were made, e.g. ``分级：分位数，5 级``."""
    return t("legend.classes", lang, scheme=SCHEMES[classes.scheme].label(lang), k=classes.k)


def legend_rows(classes: Classes, lang: str) -> list[LegendRow]:
    """A row per class with its count, and a no-data row when any value is missing."""
    rows = [LegendRow("fill", c, t("legend.count", lang, label=lab, n=n))
            for c, lab, n in zip(classes.colors, classes.labels, classes.counts, strict=True)]
    if classes.n_missing:
        rows.append(LegendRow("nodata", NO_DATA_FILL,
                              t("legend.count", lang, label=t("legend.no_data", lang),
                                   n=classes.n_missing)))
    return rows


def layout_rows(lang: str) -> list[LegendRow]:
    """Legend rows of the plan's layout: the four zones, the corridor, carrier cities."""
    rows = [LegendRow("fill", ZONE_COLORS[code],
                      t("legend.zone_row", lang, zone=term.label(lang),
                           group=LAYOUT_GROUPS[layout_group(code)].label(lang)))
            for code, term in ZONES.items()]
    rows.append(LegendRow("band", CORRIDOR_COLOR, CORRIDOR_LABEL.label(lang)))
    rows.append(LegendRow("dashed", CARRIER_COLOR, t("legend.carrier", lang)))
    return rows


# ---------------------------------------------------------------------------------------
# Label anchors and names
# ---------------------------------------------------------------------------------------
def label_anchors(geoms: Sequence[shapely.Geometry] | NDArray[np.object_]
                  ) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Label anchor (lon, lat) per area: the pole of inaccessibility of its largest part.

    Always inside the area and never on an outlying island (东沙群岛 in 汕尾). Memoised by
    geometry content, so the web map, the figure and the registry (which places firms known
    only to their city here) use the very same point.
    """
    wkbs = shapely.to_wkb(np.asarray(list(geoms), dtype=object))
    points = [_anchor(w) for w in wkbs]
    return (np.asarray([p[0] for p in points], dtype=float),
            np.asarray([p[1] for p in points], dtype=float))


@functools.lru_cache(maxsize=4096)
def _anchor(wkb: bytes) -> tuple[float, float]:
    from shapely.ops import polylabel

    parts = shapely.get_parts(shapely.from_wkb(wkb))
    big = max(parts, key=lambda p: p.area)
    tol = max(1e-4, (big.bounds[2] - big.bounds[0]) / 200)
    pt = polylabel(big, tolerance=tol)
    return float(pt.x), float(pt.y)


def area_names(frame: pd.DataFrame, lang: str, *, short: bool = False) -> list[str]:
    """Area names in ``lang`` (English falls back to Chinese, then to the adcode).

    ``short`` drops the trailing 市 of the 21 prefecture-level cities (map labels).
    """
    check_lang(lang)
    n = len(frame)
    zh = frame["name_zh"].fillna("").astype(str).tolist() if "name_zh" in frame else [""] * n
    en = frame["name_en"].fillna("").astype(str).tolist() if "name_en" in frame else [""] * n
    codes = frame["adcode"].astype(str).tolist() if "adcode" in frame else [""] * n
    out = []
    for z, e, code in zip(zh, en, codes, strict=True):
        city = CITY_BY_ADCODE.get(code)
        if city is not None:  # a name left blank: the city's own
            z, e = z or city.name_zh, e or city.name_en
        name = pick(lang, z or e, e or z)
        if short and city is not None and name.endswith("市") and len(name) > 2:
            name = name[:-1]
        out.append(name or code)
    return out
