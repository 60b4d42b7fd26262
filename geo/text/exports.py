"""The notes every export carries (:mod:`geo.provenance`) and the command line's figure text,
in both languages."""

from __future__ import annotations

from typing import Final

#: key -> (Chinese, English)
EXPORTS: Final[dict[str, tuple[str, str]]] = {
    "provenance.sample": (
        "含示例数据（{n} 家示例企业，非真实企业）",
        "includes sample data ({n} sample firms, not real ones)"),
    "provenance.version": ("数据版本：{v}", "Data version: {v}"),
    "provenance.sample_mark": ("含示例数据", "includes sample data"),
    "cli.firms_file": ("企业：{name}", "Firms: {name}"),
    "cli.firms_bundled": ("企业：内置名录（来源见各条记录）",
                          "Firms: bundled registry (sources per record)"),
    "cli.sample_rows": ("，其中示例数据 {n} 家", ", of which {n} sample rows"),
    "cli.subtitle_city": ("全省，按地级市", "Whole province, by city"),
    "cli.subtitle_district": ("全省，按县级行政区", "Whole province, by county"),
    "cli.subtitle_layout": (
        "“一核一带一区”区域发展格局与产业载体",
        "Core, belt and north zones, the innovation corridor and the carriers"),
}
