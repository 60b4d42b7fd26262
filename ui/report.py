"""The row-by-row validation report of a registry, shown on the Data page and in place of
the pages when the configured registry cannot be used (so :mod:`ui.shell` and
:mod:`ui.upload` both draw it without importing each other)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from geo import registry
from ui.i18n import t
from ui.text import plain


def registry_report(result: registry.RegistryResult, lang: str) -> None:
    """The row-by-row validation report."""
    st.subheader(t("validation", lang))
    st.markdown(t("valid_rows", lang, valid=result.valid_rows, rows=result.rows))
    if result.ignored_columns:
        st.caption(plain(("未识别的列（未导入）：" if lang == "zh" else "Columns not "
                          "recognised (not imported): ") + ", ".join(result.ignored_columns)))
    if result.problems:
        problems = pd.DataFrame([p.to_dict() for p in result.problems]).rename(columns={
            "row": t("row", lang), "column": t("column", lang), "message": t("message", lang)})
        st.markdown(f"**{t('problems', lang)}：{len(result.problems):,}**")
        st.dataframe(problems, hide_index=True, width="stretch", height=300)
    else:
        st.success("✓")
