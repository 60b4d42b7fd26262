"""The catalogue of metrics: each one's unit, decimals and the table column holding it
(:data:`METRICS`, :func:`get_metric`; its name is the text catalogue's ``metric.<code>``), and
the columns a table leads with."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import pandas as pd

from geo import units
from geo.layout import SEGMENTS, Lang
from geo.text import Msg, msg, t

#: Metric columns that come first in a table, after the area's identity columns.
HEADLINE_COLUMNS: Final = (
    "enterprises", "revenue_100m_cny", "revenue_missing", "revenue_share",
    "density_per_1000km2", "revenue_100m_cny_per_km2", "enterprise_share", "listed",
)


@dataclass(frozen=True)
class MetricSpec:
    """A metric that can colour a map or head a table column.

    Its name is the text catalogue's ``metric.<code>`` (:mod:`geo.text.metrics`) and its unit a
    code of :data:`geo.units.UNITS`, both shown in the reader's language.

    Parameters
    ----------
    code : str
        Registry key (``METRICS[code]``).
    column : str
        Column of :attr:`MetricsResult.table` holding the values.
    unit_code : str
        Unit, a code of :data:`geo.units.UNITS` (``""`` for a dimensionless index).
    decimals : int
        Decimals to show.
    scale : float
        Factor from the table's values to the shown ones: 100 for shares, which the table
        keeps as 0–1 and people read as percentages (the unit is then ``%``).
    name : Msg or None
        The name when it is not ``metric.<code>``: a template filled with a vocabulary term
        (``msg("metric.lq", segment=SEGMENTS["laser"])``) or a name with its years.

    Raises
    ------
    KeyError
        The catalogue has no ``metric.<code>`` (and ``name`` is not given), or ``unit_code`` is
        not a unit code.
    """

    code: str
    column: str
    unit_code: str
    decimals: int
    scale: float = 1.0
    name: Msg | None = None

    def __post_init__(self) -> None:
        self.message()  # a code without its catalogue entry fails here, not on a page
        if self.unit_code:
            units.label(self.unit_code)

    def message(self) -> Msg:
        """The name as a catalogue message (``metric.<code>`` unless :attr:`name` is given)."""
        return self.name or Msg(f"metric.{self.code}")

    def shown(self, values: pd.Series) -> pd.Series:
        """The values as shown to people (shares as percentages).

        >>> METRICS["revenue_share"].shown(pd.Series([0.25])).tolist()
        [25.0]
        """
        return values * self.scale

    def label(self, lang: Lang = "zh") -> str:
        """Return the name in ``lang`` ("zh" or "en")."""
        return self.message().render(lang)

    def unit(self, lang: Lang = "zh") -> str:
        """Return the unit in ``lang`` ("zh" or "en"), ``""`` for a dimensionless index."""
        return units.label(self.unit_code, lang) if self.unit_code else ""

    def title(self, lang: Lang = "zh") -> str:
        """Return the name and its unit (``企业数（家）``, ``Enterprises (firms)``), or the name
        alone for a unitless metric.

        >>> METRICS["listed"].title("zh"), METRICS["listed"].title("en")
        ('上市企业数（家）', 'Listed enterprises (firms)')
        """
        unit = self.unit(lang)
        return t("aside", lang, text=self.label(lang), aside=unit) if unit else self.label(lang)


def _metric_list() -> list[MetricSpec]:
    specs = [
        MetricSpec("enterprises", "enterprises", "家", 0),
        MetricSpec("density_per_1000km2", "density_per_1000km2", "家/千平方公里", 2),
        MetricSpec("revenue_100m_cny", "revenue_100m_cny", "亿元", 1),
        MetricSpec("revenue_share", "revenue_share", "%", 1, 100.0),
        # the table keeps 亿元/km²; shown in 万元/km² (×10,000) so values read (12.3, not 0.001)
        MetricSpec("revenue_per_km2", "revenue_100m_cny_per_km2", "万元/平方公里", 1, 10_000.0),
        MetricSpec("enterprise_share", "enterprise_share", "%", 1, 100.0),
        MetricSpec("listed", "listed", "家", 0),
        MetricSpec("tier_t1bn", "tier_t1bn", "家", 0),
        MetricSpec("tier_t100m_plus", "tier_t100m_plus", "家", 0),
        MetricSpec("revenue_missing", "revenue_missing", "家", 0),
        MetricSpec("segments_present", "segments_present", "个（共6）", 0),
        MetricSpec("top_firm_share", "top_firm_share", "%", 1, 100.0),
        MetricSpec("hhi", "hhi", "0–1", 3),
        MetricSpec("sites", "sites", "处", 0),
        MetricSpec("platforms", "platforms", "处", 0),
        MetricSpec("share_near_platform", "share_near_platform", "%", 1, 100.0),
        MetricSpec("median_km_to_platform", "median_km_to_platform", "公里", 1),
        MetricSpec("supply_share", "supply_share", "%", 1, 100.0),
    ]
    for code, term in SEGMENTS.items():
        specs.append(MetricSpec(f"lq_{code}", f"lq_{code}", "", 2,
                                name=msg("metric.lq", segment=term)))
        specs.append(MetricSpec(f"seg_{code}", f"seg_{code}", "家", 0,
                                name=msg("metric.seg", segment=term)))
    return specs


#: Choropleth-able metrics by code.
METRICS: Final[dict[str, MetricSpec]] = {m.code: m for m in _metric_list()}


def get_metric(code: str) -> MetricSpec:
    """Return the :class:`MetricSpec` for ``code`` (case and surrounding space ignored).

    Raises
    ------
    ValueError
        If ``code`` is not a key of :data:`METRICS`; the message lists the known codes.
    """
    if not isinstance(code, str):
        raise TypeError(f"metric code must be a str, got {type(code).__name__}")
    key = code.strip().lower()
    if key not in METRICS:
        raise ValueError(f"unknown metric {code!r}; expected one of {sorted(METRICS)}")
    return METRICS[key]
