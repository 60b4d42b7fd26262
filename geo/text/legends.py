"""Legend text shared by the web maps and the figures (:mod:`geo.symbology`), in both languages."""

from __future__ import annotations

from typing import Final

#: key -> (Chinese, English)
LEGENDS: Final[dict[str, tuple[str, str]]] = {
    "legend.no_data": ("无数据", "No data"),
    "legend.count": ("{label}（{n}）", "{label} ({n})"),
    "legend.classes": ("分级：{scheme}，{k} 级", "Classes: {scheme}, {k}"),
    "legend.carrier": ("制造业载体城市", "Manufacturing carrier city"),
    "legend.zone_row": ("{zone}（{group}）", "{zone} ({group})"),
    "legend.layout": ("一核一带一区", "Core, belt & north zones"),
}
