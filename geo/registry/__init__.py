"""Enterprise registries and sites: read, validate and place them on the map.

Planners bring their own enterprise lists (business-registry exports, district bureaus'
Excel sheets). :func:`load_registry` reads one (CSV in UTF-8 / UTF-8 with BOM / GBK /
GB18030 / UTF-16 / UTF-32, or XLSX within :data:`XLSX_LIMITS`), maps Chinese or canonical
headers to the canonical schema, converts coordinates from the datum the caller names to
WGS-84 and checks every row.
A bad row never stops the import and is never lost silently: each problem is reported with
the row number as a spreadsheet shows it (header = row 1), the column as written in the
file and what to do. Good rows are kept; a row with a bad optional field is kept with that
field blank; a row with no usable location is left out of the frame (and reported).
Nothing is guessed: a decimal comma ("1,5"), a formula saved without its value, a number
out of its plausible range, an over-long value or an invisible control character is a
reported row problem.

The bundled data (``data/enterprises.csv``, ``data/sites.csv``) go through the same code
(:func:`load_enterprises`, :func:`load_sites`) and must load without a single problem.

The package, by concern: :mod:`~geo.registry.schema` (columns, header aliases,
vocabularies, limits, result types), :mod:`~geo.registry.reading` (file to text cells),
:mod:`~geo.registry.header` (the header row), :mod:`~geo.registry.checks` (row checks),
:mod:`~geo.registry.places` (point in city/district, place names),
:mod:`~geo.registry.placing` (each row's location), :mod:`~geo.registry.load`
(:func:`load_registry`) and :mod:`~geo.registry.bundled` (the shipped data).

Examples
--------
>>> csv_text = "企业名称,所在城市,区县\\n示例激光企业,深圳,宝安\\n"
>>> result = load_registry(csv_text.encode("gbk"), name="demo.csv")
>>> result.rows, result.valid_rows, result.problems
(1, 1, [])
>>> result.frame.loc[0, ["district_adcode", "coord_precision"]].tolist()
['440306', 'district']
"""

from geo.registry.bundled import load_enterprises, load_sites, read_shipped_csv
from geo.registry.checks import credit_code_valid
from geo.registry.load import load_registry
from geo.registry.places import interior_point, locate, resolve_city, resolve_district
from geo.registry.reading import XLSX_LIMITS, XlsxLimits
from geo.registry.schema import (
    CANONICAL_COLUMNS,
    CHINESE_HEADERS,
    COAST_TOLERANCE_DEG,
    COORD_PRECISIONS,
    ENTERPRISES_PATH,
    EXTRA_COLUMNS,
    FRAME_COLUMNS,
    MAX_CHARS,
    MAX_CHARS_OTHER,
    MAX_EMPLOYEES,
    MAX_REVENUE_10K_CNY,
    NO_DISTRICT_CITIES,
    SITE_COLUMNS,
    SITE_PRECISIONS,
    SITES_PATH,
    Problem,
    RegistryError,
    RegistryResult,
    canonical_header,
    template_frame,
)

__all__ = [
    "CANONICAL_COLUMNS", "CHINESE_HEADERS", "COAST_TOLERANCE_DEG", "COORD_PRECISIONS",
    "ENTERPRISES_PATH", "EXTRA_COLUMNS", "FRAME_COLUMNS", "MAX_CHARS", "MAX_CHARS_OTHER",
    "MAX_EMPLOYEES", "MAX_REVENUE_10K_CNY", "NO_DISTRICT_CITIES", "SITES_PATH",
    "SITE_COLUMNS", "SITE_PRECISIONS", "XLSX_LIMITS", "Problem", "RegistryError",
    "RegistryResult", "XlsxLimits", "canonical_header", "credit_code_valid",
    "interior_point", "load_enterprises", "load_registry", "load_sites", "locate",
    "read_shipped_csv", "resolve_city", "resolve_district", "template_frame",
]
