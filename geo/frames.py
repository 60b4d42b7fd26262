"""Frame contracts: one check that a table is what a function needs before it reads it.

:func:`require_columns` checks the type and the columns of a (Geo)DataFrame and raises an
error naming the frame, the missing columns and the expected ones; :func:`require_wgs84`
checks a GeoDataFrame's CRS. Modules call them where a frame enters, with their own error
type (``BoundaryError``, ``ProjectError``…) so a caller catches one family per module.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypeVar, overload

import geopandas as gpd
import pandas as pd

from geo.text import MessageError, msg

F = TypeVar("F", bound=pd.DataFrame)


@overload
def require_columns(frame: object, columns: Iterable[str], what: str, *,
                    error: type[ValueError] = ...) -> pd.DataFrame: ...
@overload
def require_columns(frame: object, columns: Iterable[str], what: str, *, kind: type[F],
                    error: type[ValueError] = ...) -> F: ...
def require_columns(frame: object, columns: Iterable[str], what: str, *,
                    kind: type[pd.DataFrame] = pd.DataFrame,
                    error: type[ValueError] = ValueError) -> pd.DataFrame:
    """Return ``frame`` if it is a ``kind`` holding every one of ``columns``.

    Parameters
    ----------
    frame : object
        The table to check.
    columns : iterable of str
        Columns the caller reads.
    what : str
        How the message names the frame: ``"enterprises"``, or a file path.
    kind : type, default pandas.DataFrame
        The frame type required (``geopandas.GeoDataFrame`` for geometry).
    error : type, default ValueError
        The ``ValueError`` subclass raised for missing columns.

    Raises
    ------
    TypeError
        If ``frame`` is not a ``kind``.
    ValueError
        (``error``) naming ``what``, the missing columns and the expected ones.

    Examples
    --------
    >>> require_columns(pd.DataFrame({"lon": [113.3]}), ["lon", "lat"], "firms")
    Traceback (most recent call last):
    ...
    ValueError: firms lacks columns ['lat']; expected ['lon', 'lat']
    """
    if not isinstance(frame, kind):
        raise TypeError(f"{what} must be a {kind.__name__}, got {type(frame).__name__}")
    expected = list(columns)
    missing = [c for c in expected if c not in frame.columns]
    if missing:
        message = msg("file.lacks_columns", what=what, missing=missing, expected=expected)
        raise error(message if issubclass(error, MessageError) else message.render("en"))
    return frame


def require_wgs84(frame: gpd.GeoDataFrame, what: str, *,
                  error: type[ValueError] = ValueError) -> gpd.GeoDataFrame:
    """Return ``frame`` if its CRS is WGS-84 (EPSG:4326); raise ``error`` naming ``what``.

    A frame without a CRS fails too: lon/lat of an unknown datum cannot be drawn honestly.
    """
    if frame.crs is None or frame.crs.to_epsg() != 4326:
        raise error(f"{what} must be in WGS-84 (EPSG:4326), got CRS {frame.crs}")
    return frame
