"""Whole-file errors (``file.*``), store errors (``store.*``) and refused publishing
(``auth.*``) in both languages: what cannot be used at all, and why.

Each names the file (``{name}`` or ``{path}``), the row or column where one is known, and
what to do. The library raises them as :class:`geo.text.MessageError` subclasses
(``RegistryError``, ``UploadTooLarge``, ``ProjectError`` …); the UI renders them in the
user's language, the command line in English.
"""

from __future__ import annotations

from typing import Final

#: key -> (Chinese, English) :meth:`str.format` templates.
ERRORS: Final[dict[str, tuple[str, str]]] = {
    # ---- reading any file
    "file.not_found": ("{path}：找不到文件；请检查路径", "{path}: file not found; check the path"),
    "file.unreadable": ("{path}：无法读取（{reason}）", "{path}: cannot be read ({reason})"),
    "file.empty": ("{name}：文件是空的；请重新导出名录",
                   "{name}: the file is empty; export the registry again"),
    "file.xls": ("{name}：这是旧的 Excel .xls 格式；请另存为 .xlsx 或 CSV UTF-8",
                 "{name}: old Excel .xls format; save it as .xlsx or CSV UTF-8"),
    "file.encoding": (
        "{name}：不是文本表格（无法识别编码）；请另存为 CSV UTF-8 或 XLSX",
        "{name}: not a text table (encoding not recognised); save it as CSV UTF-8 or XLSX"),
    "file.csv_unreadable": (
        "{name}：无法作为 CSV 表格读取（{detail}）；请重新另存为 CSV UTF-8 或 XLSX",
        "{name}: not a readable CSV table ({detail}); save it again as CSV UTF-8 or XLSX"),
    "file.xlsx_unreadable": (
        "{name}：无法读取 XLSX 工作簿（{kind}）；请在 Excel 中打开，重新另存为 .xlsx 或 "
        "CSV UTF-8",
        "{name}: not a readable XLSX workbook ({kind}); open it in Excel and save it again as "
        ".xlsx or as CSV UTF-8"),
    # ---- XLSX limits (a small zip can expand to gigabytes)
    "file.too_big": (
        "{name}：{what}；请把名录拆分为较小的文件，或另存为 CSV UTF-8（没有此限制）",
        "{name}: {what}; split the registry into smaller files, or save it as CSV UTF-8 (no "
        "such limit)"),
    "file.xlsx_wide_row": ("第 {row} 行超过 {limit:,} 列（上限）",
                           "row {row} has more than {limit:,} columns (the limit)"),
    "file.xlsx_columns": ("第 {row} 行有 {n:,} 列，超过上限 {limit:,} 列",
                          "row {row} has {n:,} columns, more than the limit of {limit:,}"),
    "file.xlsx_rows": ("有工作表超过 {limit:,} 行（XLSX 的上限）",
                       "a sheet has more than {limit:,} rows (the limit for XLSX)"),
    "file.xlsx_cells": ("工作簿超过 {limit:,} 个单元格",
                        "the workbook has more than {limit:,} cells"),
    "file.xlsx_filled": ("工作簿超过 {limit:,} 个有内容的单元格",
                         "the workbook has more than {limit:,} filled cells"),
    "file.xlsx_expanded": (
        "工作簿解压后为 {mb:,.0f} MB，超过上限 {limit:,.0f} MB",
        "the workbook expands to {mb:,.0f} MB, more than the limit of {limit:,.0f} MB"),
    "file.xlsx_held": (
        "工作簿的共享字符串和样式解压后为 {mb:,.0f} MB，超过上限 {limit:,.0f} MB",
        "the workbook's shared strings and styles expand to {mb:,.0f} MB, more than the "
        "limit of {limit:,.0f} MB"),
    "file.too_large": (
        "文件大小为 {size}，上限为 {limit}。请拆分名录，或请管理员调高 {setting}",
        "the file is {size}; the limit is {limit}. Split the registry, or ask the "
        "administrator to raise {setting}"),
    # ---- the registry's header and rows
    "file.no_header": (
        "{name}：找不到可识别的表头（第一行：{first!r}）；表格至少需要 企业名称（name_zh），"
        "以及 经度+纬度（lon+lat）或 所在城市（city）",
        "{name}: no recognisable header (first row: {first!r}); the table needs at least "
        "企业名称 (name_zh) and 经度+纬度 (lon+lat) or 所在城市 (city)"),
    "file.missing_columns": (
        "{name}：缺少必需的列：{need}；文件中的列为 {found!r}。请添加这些列或修改表头",
        "{name}: required column(s) missing: {need}; found {found!r}. Add the column(s) or "
        "rename the header(s)"),
    "file.need_name": ("企业名称（name_zh）", "企业名称 (name_zh)"),
    "file.need_location": ("经度+纬度（lon+lat）或 所在城市（city）",
                           "经度+纬度 (lon+lat) or 所在城市 (city)"),
    "file.need_both": ("企业名称（name_zh）；经度+纬度（lon+lat）或 所在城市（city）",
                       "企业名称 (name_zh); 经度+纬度 (lon+lat) or 所在城市 (city)"),
    "file.unpaired": (
        "{name}：列 {label!r}（{have}）缺少对应的 {partner}（{lack}）；请补上该列，或添加 "
        "所在城市（city）列",
        "{name}: column {label!r} ({have}) has no partner {partner} ({lack}); add it, or a "
        "所在城市 (city) column"),
    "file.no_rows": (
        "{name}：有表头（第 {row} 行）但没有数据行；请在表头下方每行填写一家企业",
        "{name}: a header (row {row}) but no data rows; add one firm per row below the "
        "header"),
    "file.lacks_columns": ("{what} 缺少列 {missing}；应有的列为 {expected}",
                           "{what} lacks columns {missing}; expected {expected}"),
    # ---- the firm-year panel
    "file.panel_empty": ("{name}：文件是空的；请重新导出年度数据",
                         "{name}: the file is empty; export the panel again"),
    "file.panel_no_rows": (
        "{name}：有表头（第 {row} 行）但没有数据行；请在表头下方每行填写一家企业",
        "{name}: a header (row {row}) but no data rows; add one firm per row below it"),
    "file.panel_two_forms": (
        "{name}：第 {row} 行既有年份列，又有以年份命名的数值列；请只用一种格式：长表（编号, "
        "年份, 营业收入）或宽表（编号, 2019年营业收入, …）",
        "{name}: row {row} has both a year column and year-named value columns; use one "
        "form: long (编号, 年份, 营业收入) or wide (编号, 2019年营业收入, …)"),
    "file.panel_no_header": (
        "{name}：找不到表头：需要 编号（id），以及 年份 + 营业收入（长表）或按年份的列，如 "
        "2019年营业收入 / 2020营收(万元)（宽表）；请添加这些列",
        "{name}: no header with 编号 (id) and either 年份 + 营业收入 (long form) or per-year "
        "columns such as 2019年营业收入 / 2020营收(万元) (wide form); add them"),
    # ---- the key-project register
    "file.projects_not_found": ("{path}：找不到文件；请给出项目 CSV 文件的路径",
                                "{path}: file not found; give the path of a projects CSV"),
    "file.projects_empty": (
        "{path}：文件是空的；请另存为 CSV UTF-8，列与 data/projects.csv 相同",
        "{path}: the file is empty; save the register as CSV UTF-8 with the columns of "
        "data/projects.csv"),
    "file.projects_encoding": (
        "{path}：无法作为 CSV 表格读取（不是 UTF-8 文本）；请另存为 CSV UTF-8，列与 "
        "data/projects.csv 相同",
        "{path}: not a readable CSV table (not UTF-8 text); save it as CSV UTF-8 with the "
        "columns of data/projects.csv"),
    "file.projects_unreadable": (
        "{path}：无法作为 CSV 表格读取（{detail}）；请另存为 CSV UTF-8，列与 data/projects.csv "
        "相同",
        "{path}: not a readable CSV table ({detail}); save it as CSV UTF-8 with the columns "
        "of data/projects.csv"),
    "file.row": ("{path}：第 {rows} 行，{column}：{message}",
                 "{path}: row {rows}, {column}: {message}"),
    # ---- the indicators file (statistics with their sources)
    "file.indicators_not_found": ("{path}：找不到文件；请给出指标 CSV 文件的路径",
                                  "{path}: file not found; give the path of an indicators CSV"),
    "file.indicators_unreadable": (
        "{path}：无法作为 CSV 表格读取（{detail}）；请另存为 CSV UTF-8",
        "{path}: not a readable CSV table ({detail}); save it as CSV UTF-8"),
    "file.indicators_repeat": (
        "{path}：第 {rows} 行的 scope、indicator、definition 和 year 相同；每个序列每年只保留"
        "一个数值",
        "{path}: rows {rows} repeat the same scope, indicator, definition and year; keep one "
        "value per series and year"),
    "indicator.year": ("year 必须是 1990–2100 之间的整数",
                       "year must be a whole number in 1990–2100"),
    "indicator.value": (
        "value 必须是数字（没有公布的数值时请删去该行）",
        "value must be a number (leave the row out when there is no published value)"),
    "indicator.definition": ("definition 为空；请说明统计的是什么",
                             "definition is empty; say what was measured"),
    "indicator.definition_en": ("definition_en 为空；请同时填写英文定义",
                                "definition_en is empty; give the definition in English too"),
    "indicator.unit": ("unit 必须是 {units} 之一", "unit must be one of {units}"),
    "indicator.source": ("source 为空；请注明数值的出处",
                         "source is empty; cite where the value comes from"),
    "indicator.scope": ("scope 必须是 6 位行政区划代码", "scope must be a 6-digit adcode"),
    "indicator.code": ("indicator 代码为空", "indicator code is empty"),
    "indicator.sample": ("sample 必须是 true 或 false", "sample must be true or false"),
    # ---- the shared store ({detail}: what the database said)
    "store.cannot_open": ("无法打开数据存储 {path}：{detail}",
                          "cannot open the registry store {path}: {detail}"),
    "store.damaged": (
        "{path} 已损坏（SQLite quick_check：{detail}）；请从备份恢复，或把存储设置指向一个新文件",
        "{path} is damaged (SQLite quick_check: {detail}); restore it from a backup, or point "
        "the store setting at a new file"),
    "store.no_folder": ("无法为 {path} 创建文件夹：{detail}",
                        "cannot create the folder for {path}: {detail}"),
    "store.read_only_old": (
        "{path} 是只读的，且不是本版本的数据存储；请把存储设置指向可写的文件，或在可写时打开一次",
        "{path} is read-only and not a registry store of this version; point the store setting "
        "at a writable file, or open it once writable"),
    "store.not_usable": (
        "{path} 不是可用的数据存储（{detail}）；请把存储设置指向一个新文件，或本应用写入的 "
        "GeoPackage",
        "{path} is not a usable registry store ({detail}); point the store setting at a new "
        "file or a GeoPackage written by this app"),
    "store.read_only": (
        "{what}被拒绝：{path} 在此是只读的（只读挂载或只读文件）；请通过该存储的可写副本发布",
        "{what} refused: {path} is read-only here (a read-only mount or file); publish through "
        "a writable copy of the store"),
    "store.publishing": ("发布", "publishing"),
    "store.setting_default": ("设置默认版本", "setting the default"),
    "store.read_failed": ("读取数据存储 {path} 失败：{detail}",
                          "reading the registry store {path} failed: {detail}"),
    "store.cannot_connect": ("无法连接数据存储 {path}：{detail}",
                             "cannot connect to the registry store {path}: {detail}"),
    "store.cannot_init": ("无法初始化数据存储 {path}：{detail}",
                          "cannot initialise the registry store {path}: {detail}"),
    "store.postgis": (
        "{path} 未启用 PostGIS；需由超级用户在该数据库中执行 CREATE EXTENSION postgis（Debian："
        "postgresql-15-postgis-3）",
        "PostGIS is not enabled in {path}; a superuser must run CREATE EXTENSION postgis in "
        "that database (Debian: postgresql-15-postgis-3)"),
    "store.checksum_original": ("{path}：版本 {vid} 的原始文件校验和不符",
                                "{path}: version {vid}'s original file fails its checksum"),
    "store.checksum_file": ("{path}：版本 {vid} 的 {kind} 文件校验和不符",
                            "{path}: version {vid}'s {kind} file fails its checksum"),
    "store.publish_failed": ("发布到 {path} 失败，未写入任何内容：{detail}",
                             "publishing to {path} failed, nothing written: {detail}"),
    "store.default_failed": ("在 {path} 中设置默认版本失败：{detail}",
                             "setting the default in {path} failed: {detail}"),
    # ---- a basemap that needs the user's own key
    "basemap.tianditu_key": (
        "天地图底图需要您自己的天地图密钥（tianditu_key=…，字母和数字）；当前为 {got!r}",
        "the Tianditu basemap needs your Tianditu key (tianditu_key=…, letters and digits); "
        "got {got!r}"),
    # ---- publishing needs the editor token
    "auth.no_token": (
        "无法{action}：未配置编辑口令，发布已关闭；请在 {secrets} 的顶层或应用/命令的环境变量中"
        "设置 {setting}",
        "cannot {action}: publishing is off because no editor token is configured; set {setting} "
        "as a root-level key in {secrets} or in the environment of the app/command"),
    "auth.token_required": ("无法{action}：需要编辑口令",
                            "cannot {action}: the editor token is required"),
    "auth.token_wrong": ("无法{action}：编辑口令不正确",
                         "cannot {action}: the editor token given is not correct"),
    "auth.publish": ("发布", "publish"),
    "auth.set_default": ("设置默认版本", "set the default version"),
}
