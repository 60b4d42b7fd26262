"""The library's row messages (registry, panel, projects, sites files) in both languages.

One :meth:`str.format` template per key, Chinese and English side by side. The keys are the
``code`` of a :class:`geo.registry.Problem`; :class:`geo.text.Msg` carries a key and its
parameters, and the UI renders it in the user's language.
"""

from __future__ import annotations

from typing import Final

#: key -> (Chinese, English) :meth:`str.format` templates.
MESSAGES: Final[dict[str, tuple[str, str]]] = {
    # ---- header
    "header_duplicate": (
        "另一列（{first!r}）已表示 {canonical}；此列被忽略——请删除或重命名",
        "another column ({first!r}) already means {canonical}; this one is ignored — remove or "
        "rename it"),
    "header_unpaired": (
        "列 {label!r}（{have}）缺少对应的 {partner}（{lack}）：坐标被忽略，按城市/区县定位；"
        "请补上缺少的列",
        "column {label!r} ({have}) has no partner {partner} ({lack}): coordinates ignored, rows "
        "placed by city/district; add the missing column"),
    # ---- whole rows and cells
    "formula_unsaved": (
        "公式 {formula!r} 没有保存计算结果（文件由程序生成且从未重新计算）；请在 Excel 或 "
        "LibreOffice 中打开、保存后重新上传；该字段留空",
        "formula {formula!r} has no saved value (the file was written by a program and never "
        "recalculated); open it in Excel or LibreOffice, save it and upload it again; field "
        "left blank"),
    "row_too_long": (
        "有 {fields} 个字段，但表头只有 {width} 个：某个值（名称或地址？）可能含有分隔符却没有加"
        "引号；请给该值加上引号；该行未导入",
        "{fields} fields but the header has {width}: a value (a name or an address?) probably "
        "holds the separator without quotes; put that value in quotes; row left out"),
    "invisible_removed": (
        "已删除 {n} 个不可见的控制或文字方向字符（{codes}）；请检查该值",
        "removed {n} invisible control or text-direction character(s) ({codes}); check the "
        "value"),
    "too_long_row": (
        "{n:,} 个字符，超过允许的 {cap:,} 个；请缩短；该行未导入",
        "{n:,} characters, more than the {cap:,} allowed; shorten it; row left out"),
    "too_long_field": (
        "{n:,} 个字符，超过允许的 {cap:,} 个；请缩短；该字段留空",
        "{n:,} characters, more than the {cap:,} allowed; shorten it; field left blank"),
    "name_empty": (
        "企业名称（name_zh）为空；请填写；该行未导入",
        "企业名称 (name_zh) is empty; fill it in; row left out"),
    # ---- numbers
    "not_a_number": (
        "{raw!r} 不是数字；请填写{expected}；{then}",
        "{raw!r} is not a number; write {expected}; {then}"),
    "ambiguous_comma": (
        "{raw!r} 中的逗号有歧义（小数逗号，还是千位未按三位分组？）；请填写{expected}，用小数点、"
        "不用逗号；{then}",
        "{raw!r} has an ambiguous comma (a decimal comma, or thousands not in groups of three?); "
        "write {expected} with a decimal point and no comma; {then}"),
    "negative": (
        "{raw!r} 为负数；请填写{expected}；该字段留空",
        "{raw!r} is negative; write {expected}; field left blank"),
    "out_of_range": (
        "{raw!r} 超出范围；请填写{expected}；该字段留空",
        "{raw!r} is out of range; write {expected}; field left blank"),
    "expect_revenue": (
        " 0 至 1,000,000,000（10 万亿元）之间的营收（万元）",
        "a revenue in 万元 from 0 to 1,000,000,000 (10 万亿元)"),
    "expect_employees": (
        " 0 至 {high:,} 之间的整数员工人数",
        "a whole number of employees from 0 to {high:,}"),
    "expect_year": (" 1949 至 {high} 之间的年份", "a year between 1949 and {high}"),
    "expect_degrees": ("十进制度数（如 113.85）", "decimal degrees (e.g. 113.85)"),
    # ---- vocabularies and flags
    "unknown_value": (
        "未知取值 {raw!r}；请使用 {allowed} 之一；该字段留空",
        "unknown value {raw!r}; use one of {allowed}; field left blank"),
    "allowed_sector": ("laser/激光、additive/增材制造 或 both",
                       "laser/激光, additive/增材制造 or both"),
    "allowed_precision": ("exact、district 或 city", "exact, district or city"),
    "unknown_product": (
        "未知产品 {value!r}{hint}；该值未导入；请填写产业链词表的代码或中文名称，以“;”分隔",
        "unknown product {value!r}{hint} The value was left out; write codes or Chinese labels "
        "of the chain vocabulary separated by ';'"),
    "unknown_application": (
        "未知应用领域 {value!r}{hint}；该值未导入；请填写产业链词表的代码或中文名称，以“;”分隔",
        "unknown application {value!r}{hint} The value was left out; write codes or Chinese "
        "labels of the chain vocabulary separated by ';'"),
    "did_you_mean": ("；是否指 {suggestion}？", "; did you mean {suggestion}?"),
    "not_true_false": (
        "{raw!r} 不是 是/否（true/false）；按“否”读取",
        "{raw!r} is not true/false (是/否); read as false"),
    "listed_unclear": (
        "{raw!r} 不是上市信息（请填写证券代码或交易所，如 688xxx、深交所；未上市留空或填“否”）；"
        "按未上市读取",
        "{raw!r} is not a listing (write a stock code or an exchange, e.g. 688xxx or SZSE; "
        "blank or 否 when not listed); read as not listed"),
    # ---- codes and ids
    "uscc_invalid": (
        "{code!r} 不是有效的统一社会信用代码（18 位，校验位按 GB 32100-2015）；请更正；该字段留空",
        "{code!r} is not a valid 统一社会信用代码 (18 characters, check character per GB "
        "32100-2015); correct it; field left blank"),
    "uscc_invalid_excel": (
        "{code!r} 不是有效的统一社会信用代码（18 位，校验位按 GB 32100-2015）；请更正；Excel 把它"
        "存成了数字并丢失了位数：请把该列设为文本格式；该字段留空",
        "{code!r} is not a valid 统一社会信用代码 (18 characters, check character per GB "
        "32100-2015); correct it; Excel stored it as a number and lost digits: format the "
        "column as text; field left blank"),
    "uscc_duplicate": (
        "与第 {first} 行的统一社会信用代码相同：该企业重复列出；该行未导入，以免重复计数",
        "the same 统一社会信用代码 as row {first}: the firm is listed twice; row left out so it "
        "is not counted twice"),
    "id_duplicate": (
        "id {id!r} 已在第 {first} 行使用；请为每家企业设不同的 id；该行未导入，以免重复计数",
        "id {id!r} is already used on row {first}; give each firm its own id; row left out so "
        "the firm is not counted twice"),
    # ---- location
    "then_blank": ("该字段留空", "field left blank"),
    "then_used": ("已使用该坐标", "the coordinates were used"),
    "then_district": ("改为定位在所在区县的内部点",
                      "placed at the district's interior point instead"),
    "then_city": ("改为定位在所在城市的内部点", "placed at the city's interior point instead"),
    "then_dropped": (
        "该行未导入（没有可用坐标，也没有可识别的城市或区县）",
        "row left out (no usable coordinates and no known city or district)"),
    "lat_missing": (
        "纬度为空但经度已填；请两者都填或都不填；{then}",
        "lat is empty but lon is given; fill in both or neither; {then}"),
    "lon_missing": (
        "经度为空但纬度已填；请两者都填或都不填；{then}",
        "lon is empty but lat is given; fill in both or neither; {then}"),
    "swapped": (
        "经纬度似乎颠倒：({lon}, {lat}) 在广东省外，互换后位于{city}；已按互换后的坐标保留——"
        "请在文件中对调两者",
        "lon/lat look swapped: ({lon}, {lat}) is outside Guangdong, swapped it is in {city}; "
        "kept with the two swapped — swap them in the file"),
    "outside": (
        "({lon}, {lat}) 在广东省外{negative}，互换经纬度后也是；请检查坐标及其坐标系（{datum}）；"
        "{then}",
        "({lon}, {lat}) is outside Guangdong{negative}, also with lon/lat swapped; check the "
        "coordinates and their datum ({datum}); {then}"),
    "negative_suffix": ("（含负值）", " (negative)"),
    "unknown_city": (
        "未知城市 {raw!r}；请填写广东省 21 个地级市之一（深圳、深圳市或 Shenzhen）；{then}",
        "unknown city {raw!r}; write one of Guangdong's 21 cities (深圳, 深圳市 or Shenzhen); "
        "{then}"),
    "unknown_district": (
        "未知区县 {raw!r}{scope}{hint}；请检查拼写或城市；{then}",
        "unknown district {raw!r}{scope}{hint}; check the spelling or the city; {then}"),
    "district_scope": ("（在{city}）", " in {city}"),
    "district_elsewhere": ("（它位于{city}）", " (it is in {city})"),
    "no_location": (
        "没有位置：请填写经度+纬度（lon+lat）或可识别的所在城市（city）；该行未导入",
        "no location: give 经度+纬度 (lon+lat) or a known 所在城市 (city); row left out"),
    "city_mismatch": (
        "所在城市为{stated}，但坐标 ({lon:.5f}, {lat:.5f}) 位于{found}；按坐标保留（城市 {found}）"
        "——请检查坐标或城市",
        "city says {stated} but the coordinates ({lon:.5f}, {lat:.5f}) are in {found}; kept at "
        "the coordinates (city {found}) — check the coordinates or the city"),
    "district_mismatch": (
        "区县为{stated}，但坐标位于{found}；按坐标保留——请检查坐标或区县",
        "district says {stated} but the coordinates are in {found}; kept at the coordinates — "
        "check the coordinates or the district"),
    "no_district": ("无区县", "no district"),
    # ---- the shipped sites file
    "site_one_of": ("{column} 必须是 {allowed} 之一", "{column} must be one of {allowed}"),
    "site_no_source": ("source 为空；请注明出处", "source is empty; cite where this is from"),
    "site_no_name": ("name_zh 为空", "name_zh is empty"),
    "site_bad_id": ("id 为空或重复", "id is empty or duplicated"),
    "site_wrong_place": ("坐标缺失或不在 city_adcode 所指城市内",
                         "coordinates missing or not in city_adcode"),
    "site_placeless": (
        "coord_precision 为 none（没有地点的规划项目）：经度、纬度请留空",
        "coord_precision is none (a plan item without a place): leave lon and lat blank"),
    # ---- the key-project register
    "project_id": ("id 为空或重复", "id empty or repeated"),
    "project_name": ("名称为空", "name empty"),
    "project_name_en": ("name_en 为空；请同时填写英文名称",
                        "name_en empty; give the English name too"),
    "project_district_en": ("district_en 为空；请同时填写区县的英文名称",
                            "district_en is empty; give the district's English name too"),
    "project_note_zh": ("note_zh 为空而 note_en 不为空；请同时填写中文备注",
                        "note_zh is empty but note_en is not; give the note in Chinese too"),
    "project_note_en": ("note_en 为空而 note_zh 不为空；请同时填写英文备注",
                        "note_en is empty but note_zh is not; give the note in English too"),
    "project_as_of": ("status_as_of 必须是日期 YYYY-MM-DD",
                      "status_as_of must be a date YYYY-MM-DD"),
    "project_city": ("不是广东省地级市的行政区划代码", "not a Guangdong city adcode"),
    "project_source": ("source 为空；请注明进展所依据的报道",
                       "source is empty; cite the report of the status"),
    "project_outside": ("{column} 不在广东省范围内", "{column} not in Guangdong"),
    "project_investment": ("投资额必须是 ≥ 0 的数字（亿元）",
                           "investment must be a number ≥ 0 (亿元)"),
    "project_year": ("{column} 必须是年份", "{column} must be a year"),
    # ---- the firm-year panel
    "panel_not_a_number": (
        "不是数字（请用数字和小数点，不用小数逗号）；该值留空",
        "not a number (write digits with a decimal point, no decimal comma); value left blank"),
    "panel_no_id": (
        "编号（id）为空，且名称不在名录中；请填写企业编号；该行未导入",
        "编号 (id) is empty and the name is not in the registry; fill in the firm's id; row "
        "left out"),
    "panel_bad_year": (
        "年份（year）必须是年份，如 2021；该行未导入",
        "年份 (year) must be a year such as 2021; row left out"),
    "panel_negative": ("为负数；该值留空", "negative; value left blank"),
    "panel_empty": (
        "该年份既无营收也无员工数；该行未导入",
        "no revenue and no employees for this year; row left out"),
    "panel_duplicate": (
        "同一企业同一年份重复出现；该行未导入（保留一行）",
        "the same firm and year again; row left out (keep one)"),
    "panel_unknown_id": (
        "该编号不在名录中；请把企业加入名录或更正编号；该行未导入",
        "this id is not in the registry; add the firm to the registry or correct the id; row "
        "left out"),
    "panel_not_true_false": ("不是 是/否（true/false）；按“否”读取",
                             "not true/false (是/否); read as false"),
    "panel_formula": (
        "公式 {formula!r} 保存时没有计算结果；请在 Excel 中打开文件，让其计算后重新保存",
        "formula {formula!r} saved without its value; open the file in Excel, let it calculate "
        "and save again"),
}
