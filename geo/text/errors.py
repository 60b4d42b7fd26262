"""Whole-file errors (``file.*``) in both languages: a file that cannot be used at all.

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
    "file.projects_row": ("{path}：第 {rows} 行，{column}：{message}",
                          "{path}: row {rows}, {column}: {message}"),
}
