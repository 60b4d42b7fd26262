"""Text the web maps print (layer names, legends, popups, controls), in both languages."""

from __future__ import annotations

from typing import Final

#: key -> (Chinese, English)
MAPS: Final[dict[str, tuple[str, str]]] = {
    "map.boundaries": ("行政区划", "Boundaries"),
    "map.labels": ("城市名称", "City names"),
    "map.layout": ("一核一带一区", "Core, belt & north zones"),
    "map.carrier": ("制造业载体城市", "Manufacturing carrier city"),
    "map.enterprises": ("企业", "Enterprises"),
    "map.heat": ("企业密度（热力）", "Enterprise density (heat)"),
    "map.sites": ("园区与平台", "Parks & platforms"),
    "map.no_data": ("无数据", "No data"),
    "map.schematic": ("示意图", "Schematic"),
    "map.source": ("来源：", "Source: "),
    "map.data_date": ("数据截至：", "Data as of: "),
    "map.reset": ("回到全省视图", "Back to province view"),
    "map.fullscreen": ("全屏", "Full screen"),
    "map.exit_fullscreen": ("退出全屏", "Exit full screen"),
    "map.north": ("北", "N"),
    "map.firms": ("{n} 家企业", "{n} firms"),
    "map.segment": ("环节", "Segment"),
    "map.tier": ("规模", "Size"),
    "map.revenue": ("营收", "Revenue"),
    "map.unknown": ("未知", "unknown"),
    "map.unknown_segment": ("环节未知", "Segment unknown"),
    "map.kind": ("类型", "Type"),
    "map.status": ("状态", "Status"),
    "map.note": ("备注", "Note"),
    "map.size_note": ("圆点大小表示营收规模", "Dot size shows revenue tier"),
    "map.city_precision": (
        "仅定位到市的企业（{n}，标在市名处，区县未知）",
        "Firms located only to the city ({n}; at the city name, district unknown)"),
    "map.boundary_note": ("行政区划界线仅供示意，不作为权属依据",
                          "boundaries are indicative, not an authority on jurisdiction"),
    "map.selection": ("已选地区", "Selected areas"),
    # how the firms are drawn (geo.maps.points.MODES, COLOR_BY)
    "map.mode.auto": ("自动", "Auto"),
    "map.mode.cluster": ("聚合", "Clusters"),
    "map.mode.dots": ("散点", "Dots"),
    "map.mode.heat": ("热力图", "Heat map"),
    "map.color_by.tier": ("按规模着色", "Colour by size"),
    "map.color_by.segment": ("按环节着色", "Colour by segment"),
    "map.city_firms": ("{name}：{n} 家企业仅定位到市，区县未知",
                       "{name}: {n} firms located only to the city, district unknown"),
    # popups (the browser writes revenue from 万元 with these units)
    "map.big_unit": (" 亿元", " bn CNY"),
    "map.small_unit": (" 万元", " m CNY"),
    "map.year_suffix": (" 年", ""),
    "map.popup_source": ("来源：", "source: "),
    "map.open": ("（", " ("),
    "map.close": ("）", ")"),
    "map.comma": ("，", ", "),
}
