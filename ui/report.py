"""The row-by-row validation report of a registry, shown on the Data page and in place of
the pages when the configured registry cannot be used (so :mod:`ui.shell` and
:mod:`ui.upload` both draw it without importing each other)."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import streamlit as st

from geo import registry
from geo.text import colon, fmt_number, t
from ui.text import plain


def registry_report(result: registry.RegistryResult, lang: str) -> None:
    """The row-by-row validation report."""
    st.subheader(t("validation", lang))
    summary = t("valid_rows", lang, valid=result.valid_rows, rows=result.rows)
    if result.coords_ignored:
        summary += t("coords_ignored", lang, n=result.coords_ignored)
    st.markdown(summary)
    if result.ignored_columns:
        st.caption(plain(t("ignored_columns", lang, columns=", ".join(result.ignored_columns))))
    problem_table(result.problems, lang)


def problem_table(problems: Sequence[registry.Problem], lang: str) -> None:
    """Every problem of an upload, its explanation in ``lang``; a tick when there is none."""
    if not problems:
        st.success("✓")
        return
    table = pd.DataFrame({t("row", lang): [p.row for p in problems],
                          t("column", lang): [p.column for p in problems],
                          t("message", lang): [p.text(lang) for p in problems]})
    st.markdown(f"**{t('problems', lang)}{colon(lang)}{fmt_number(len(problems), lang)}**")
    st.dataframe(table, hide_index=True, width="stretch", height=300, column_config={
        t("message", lang): st.column_config.TextColumn(width="large")})
