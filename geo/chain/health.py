"""Chain health (强链补链): producers, cities, revenue and a status per part.

:func:`chain_health` counts, vectorised over the firms, the producers of every part of
:data:`geo.chain.vocabulary.PARTS`, the cities holding them and their revenue, and calls a
part strong, thin or missing; it also returns the city × part matrix.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import numpy as np
import pandas as pd

from geo.chain.vocabulary import PARTS, products_of
from geo.frames import require_columns
from geo.layout import CITIES, Term

#: Status colours for diagrams and figures (colour-blind safe: blue / orange / vermilion).
STATUS_COLOURS: Final[dict[str, str]] = {"strong": "#0072B2", "thin": "#E69F00",
                                          "missing": "#D55E00"}
STATUSES: Final[dict[str, Term]] = {
    t.code: t
    for t in (
        Term("strong", "较强", "Strong"),
        Term("thin", "薄弱", "Thin"),
        Term("missing", "缺失", "Missing"),
    )
}
#: A part with fewer producers than this is thin.
THIN_PRODUCERS: Final = 3
#: A part whose largest city holds at least this share of its producers is thin.
THIN_TOP_SHARE: Final = 0.75
_CITY_CODES: Final = tuple(c.adcode for c in CITIES)


def city_index(frame: pd.DataFrame) -> np.ndarray:
    """Each firm's position in :data:`geo.layout.CITIES` by ``city_adcode`` (-1: none)."""
    require_columns(frame, ["city_adcode"], "enterprises")
    return pd.Index(_CITY_CODES).get_indexer(pd.Index(frame["city_adcode"].astype(object)))


@dataclass(frozen=True)
class ChainHealth:
    """What :func:`chain_health` returns.

    Attributes
    ----------
    parts : pandas.DataFrame
        One row per part, in vocabulary order: ``code``, ``label_zh``, ``label_en``,
        ``segment``, ``group``, ``producers`` (firms tagged with it), ``sample_producers``,
        ``cities`` (cities with a producer), ``top_city``, ``top_city_share`` (its share
        of the producers with a known city), ``revenue_100m_cny`` (sum over producers with
        a known revenue, not split between a firm's products), ``revenue_known``
        (producers with a revenue), ``status`` (:data:`STATUSES` code).
    matrix : pandas.DataFrame
        Firms per city (index: the 21 adcodes) and part (columns: part codes).
    firms, tagged : int
        Firms in the input, and those with at least one product tag.
    sample_matrix : pandas.DataFrame
        Of :attr:`matrix`, the sample (synthetic) firms.
    """

    parts: pd.DataFrame
    matrix: pd.DataFrame
    firms: int
    tagged: int
    sample_matrix: pd.DataFrame | None = None

    def records(self) -> pd.DataFrame:
        """The matrix as records: ``adcode``, ``product``, ``product_zh``, ``firms`` and
        ``sample_firms`` (of them, sample firms)."""
        long = self.matrix.rename_axis("adcode").reset_index().melt(
            "adcode", var_name="product", value_name="firms")
        long.insert(2, "product_zh", long["product"].map(lambda c: PARTS[c].zh))
        sample = self.sample_matrix if self.sample_matrix is not None else self.matrix * 0
        long["sample_firms"] = sample.to_numpy().T.ravel()
        return long


def chain_health(frame: pd.DataFrame, *, thin_producers: int = THIN_PRODUCERS,
                 thin_share: float = THIN_TOP_SHARE) -> ChainHealth:
    """Producers, cities, revenue and status of every part, and the city × part matrix.

    A part is *missing* without producers, *thin* with fewer than ``thin_producers`` or
    when one city holds at least ``thin_share`` of them, *strong* otherwise.

    Parameters
    ----------
    frame : pandas.DataFrame
        Canonical enterprise frame (``products``, ``city_adcode``, ``revenue_10k_cny``,
        optionally ``sample``). Without ``products`` every part is missing.
    thin_producers : int
    thin_share : float
        In (0, 1].
    """
    require_columns(frame, ["city_adcode"], "enterprises")
    if not 0 < thin_share <= 1:
        raise ValueError(f"thin_share must be in (0, 1], got {thin_share!r}")
    m = products_of(frame)
    city = city_index(frame)
    n_cities, n_parts = len(_CITY_CODES), len(PARTS)
    sample = frame["sample"].fillna(False).to_numpy(bool) if "sample" in frame.columns \
        else np.zeros(len(frame), dtype=bool)

    def per_city(rows_of: np.ndarray) -> np.ndarray:
        # one bincount over (city, part) pairs: the matrix without a loop over parts
        rows, cols = np.nonzero(m & ((city >= 0) & rows_of)[:, None])
        return np.bincount(city[rows] * n_parts + cols, minlength=n_cities * n_parts
                           ).reshape(n_cities, n_parts)

    counts = per_city(np.ones(len(frame), dtype=bool))
    producers = m.sum(axis=0)
    in_city = counts.sum(axis=0)
    top = counts.max(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        top_share = np.where(in_city > 0, top / np.maximum(in_city, 1), np.nan)
    revenue = frame.get("revenue_10k_cny")  # to_numeric(None) is NaN, not None: test first
    rev = (np.zeros(len(frame)) if revenue is None
           else pd.to_numeric(revenue, errors="coerce").to_numpy(float))
    known = np.isfinite(rev)
    rev_sum = (m[known].T.astype(float) @ rev[known]) / 1e4
    status = np.select([producers == 0, (producers < thin_producers) | (top_share >= thin_share)],
                       ["missing", "thin"], "strong")
    parts = pd.DataFrame({
        "code": list(PARTS), "label_zh": [p.zh for p in PARTS.values()],
        "label_en": [p.en for p in PARTS.values()],
        "segment": [p.segment for p in PARTS.values()],
        "group": [p.group for p in PARTS.values()],
        "producers": producers, "sample_producers": m[sample].sum(axis=0),
        "cities": (counts > 0).sum(axis=0),
        "top_city": np.where(in_city > 0, np.array(_CITY_CODES)[counts.argmax(axis=0)], ""),
        "top_city_share": top_share,
        "revenue_100m_cny": np.where(m[known].any(axis=0), rev_sum, np.nan),
        "revenue_known": m[known].sum(axis=0),
        "status": status,
    })
    index = pd.Index(_CITY_CODES, name="adcode")
    matrix = pd.DataFrame(counts, index=index, columns=list(PARTS))
    sample_matrix = pd.DataFrame(per_city(sample) if sample.any() else counts * 0, index=index,
                                 columns=list(PARTS))
    return ChainHealth(parts, matrix, len(frame), int(m.any(axis=1).sum()), sample_matrix)
