"""What the metrics are called (``metric.<code>``), in both languages; their units are the
``unit.*`` entries of :mod:`geo.text.words` (:mod:`geo.units`), and a metric's title joins the
two with ``aside``."""

from __future__ import annotations

from typing import Final

#: key -> (Chinese, English)
METRIC_TEXT: Final[dict[str, tuple[str, str]]] = {
    # the metrics of an area (geo.metrics.catalogue)
    "metric.enterprises": ("企业数", "Enterprises"),
    "metric.density_per_1000km2": ("企业密度", "Enterprise density"),
    "metric.revenue_100m_cny": ("主营收入", "Revenue"),
    "metric.revenue_share": ("主营收入占全省比重", "Share of provincial revenue"),
    "metric.revenue_per_km2": ("地均主营收入", "Revenue per km²"),
    "metric.enterprise_share": ("企业数占全省比重", "Share of provincial enterprises"),
    "metric.listed": ("上市企业数", "Listed enterprises"),
    "metric.tier_t1bn": ("营收≥10亿元企业", "Firms with revenue ≥ ¥1 bn"),
    "metric.tier_t100m_plus": ("营收≥1亿元企业", "Firms with revenue ≥ ¥100 m"),
    "metric.revenue_missing": ("营收未知企业", "Firms with unknown revenue"),
    "metric.segments_present": ("产业链环节覆盖数", "Chain segments present"),
    "metric.top_firm_share": ("最大企业营收占比", "Largest firm's revenue share"),
    "metric.hhi": ("营收赫芬达尔指数", "Herfindahl index of revenue"),
    "metric.sites": ("园区与平台数", "Parks & platforms"),
    "metric.platforms": ("创新平台与大科学装置数", "Innovation platforms & facilities"),
    "metric.share_near_platform": ("临近创新平台企业占比", "Share of firms near a platform"),
    "metric.median_km_to_platform": ("至最近创新平台距离中位数",
                                     "Median distance to nearest platform"),
    "metric.supply_share": ("配套半径（50公里内有关键零部件配套的比例）",
                            "Supply radius (key components within 50 km)"),
    # one per segment of the chain: {segment} is the segment's name
    "metric.lq": ("区位商：{segment}", "Location quotient: {segment}"),
    "metric.seg": ("{segment}企业数", "{segment} firms"),
    # one per part of the chain (the chain page): {part} is the part's name
    "metric.part_firms": ("{part}生产企业数", "{part}: producers"),
    # change between two years of the panel (geo.panel.GROWTH_METRICS)
    "metric.cagr": ("营收年均增长率", "Revenue growth per year (CAGR)"),
    "metric.pct_change": ("营收变化率", "Revenue change"),
    "metric.change_100m_cny": ("营收变化", "Revenue change (absolute)"),
    "metric.revenue_to_100m_cny": ("期末营收", "Revenue, end year"),
    "metric.crossed_100m": ("新跨过1亿元企业", "Firms crossing ¥100 m"),
    "metric.crossed_1bn": ("新跨过10亿元企业", "Firms crossing ¥1 bn"),
    "metric.entries": ("新进入企业", "Entries"),
    "metric.exits": ("退出企业", "Exits"),
    "metric.between_years": ("{metric}（{start}→{end}）", "{metric} ({start}→{end})"),
}
