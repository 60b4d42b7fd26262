"""The catalogue of metrics: what each one is called, its unit, decimals and the table column
holding it (:data:`METRICS`, :func:`get_metric`), and the columns a table leads with."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import pandas as pd

from geo.layout import (
    SEGMENTS,
    Lang,
)
from geo.text import pick

#: Metric columns that come first in a table, after the area's identity columns.
HEADLINE_COLUMNS: Final = (
    "enterprises", "revenue_100m_cny", "revenue_missing", "revenue_share",
    "density_per_1000km2", "revenue_100m_cny_per_km2", "enterprise_share", "listed",
)


@dataclass(frozen=True)
class MetricSpec:
    """A metric that can colour a map or head a table column.

    Parameters
    ----------
    code : str
        Registry key (``METRICS[code]``).
    column : str
        Column of :attr:`MetricsResult.table` holding the values.
    zh, en : str
        Label in Chinese and English.
    unit_zh, unit_en : str
        Unit in Chinese and English (``""`` for a dimensionless index).
    decimals : int
        Decimals to show.
    scale : float
        Factor from the table's values to the shown ones: 100 for shares, which the table
        keeps as 0–1 and people read as percentages (``unit`` is then ``%``).
    """

    code: str
    column: str
    zh: str
    en: str
    unit_zh: str
    unit_en: str
    decimals: int
    scale: float = 1.0

    def shown(self, values: pd.Series) -> pd.Series:
        """The values as shown to people (shares as percentages).

        >>> METRICS["revenue_share"].shown(pd.Series([0.25])).tolist()
        [25.0]
        """
        return values * self.scale

    def label(self, lang: Lang = "zh") -> str:
        """Return the label in ``lang`` ("zh" or "en")."""
        return pick(lang, self.zh, self.en)

    def unit(self, lang: Lang = "zh") -> str:
        """Return the unit in ``lang`` ("zh" or "en")."""
        return pick(lang, self.unit_zh, self.unit_en)

    def title(self, lang: Lang = "zh") -> str:
        """Return ``label (unit)``, or the label alone for a unitless metric."""
        unit = self.unit(lang)
        return f"{self.label(lang)} ({unit})" if unit else self.label(lang)


_SHARE_ZH, _SHARE_EN = "%", "%"


def _metric_list() -> list[MetricSpec]:
    specs = [
        MetricSpec("enterprises", "enterprises", "企业数", "Enterprises", "家", "firms", 0),
        MetricSpec("density_per_1000km2", "density_per_1000km2", "企业密度", "Enterprise density",
                   "家/千平方公里", "firms per 1,000 km²", 2),
        MetricSpec("revenue_100m_cny", "revenue_100m_cny", "主营收入", "Revenue",
                   "亿元", "¥100 m", 1),
        MetricSpec("revenue_share", "revenue_share", "主营收入占全省比重",
                   "Share of provincial revenue", _SHARE_ZH, _SHARE_EN,1, 100.0),
        # the table keeps 亿元/km²; shown in 万元/km² (×10,000) so values read (12.3, not 0.001)
        MetricSpec("revenue_per_km2", "revenue_100m_cny_per_km2", "地均主营收入",
                   "Revenue per km²", "万元/平方公里", "¥10k per km²", 1, 10_000.0),
        MetricSpec("enterprise_share", "enterprise_share", "企业数占全省比重",
                   "Share of provincial enterprises", _SHARE_ZH, _SHARE_EN,1, 100.0),
        MetricSpec("listed", "listed", "上市企业数", "Listed enterprises", "家", "firms", 0),
        MetricSpec("tier_t1bn", "tier_t1bn", "营收≥10亿元企业", "Firms with revenue ≥ ¥1 bn",
                   "家", "firms", 0),
        MetricSpec("tier_t100m_plus", "tier_t100m_plus", "营收≥1亿元企业",
                   "Firms with revenue ≥ ¥100 m", "家", "firms", 0),
        MetricSpec("revenue_missing", "revenue_missing", "营收未知企业",
                   "Firms with unknown revenue", "家", "firms", 0),
        MetricSpec("segments_present", "segments_present", "产业链环节覆盖数",
                   "Chain segments present", "个(共6)", "of 6", 0),
        MetricSpec("top_firm_share", "top_firm_share", "最大企业营收占比",
                   "Largest firm's revenue share", _SHARE_ZH, _SHARE_EN,1, 100.0),
        MetricSpec("hhi", "hhi", "营收赫芬达尔指数", "Herfindahl index of revenue",
                   "0–1", "0–1", 3),
        MetricSpec("sites", "sites", "园区与平台数", "Parks & platforms", "个", "sites", 0),
        MetricSpec("platforms", "platforms", "创新平台与大科学装置数",
                   "Innovation platforms & facilities", "个", "sites", 0),
        MetricSpec("share_near_platform", "share_near_platform", "临近创新平台企业占比",
                   "Share of firms near a platform", _SHARE_ZH, _SHARE_EN,1, 100.0),
        MetricSpec("median_km_to_platform", "median_km_to_platform", "至最近创新平台距离中位数",
                   "Median distance to nearest platform", "公里", "km", 1),
        MetricSpec("supply_share", "supply_share", "配套半径（50公里内有关键零部件配套的比例）",
                   "Supply radius (key components within 50 km)", _SHARE_ZH, _SHARE_EN, 1,
                   100.0),
    ]
    for code, term in SEGMENTS.items():
        specs.append(MetricSpec(
            f"lq_{code}", f"lq_{code}", f"区位商:{term.zh}", f"Location quotient: {term.en}",
            "", "", 2,
        ))
        specs.append(MetricSpec(
            f"seg_{code}", f"seg_{code}", f"{term.zh}企业数", f"{term.en} firms", "家", "firms", 0,
        ))
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
