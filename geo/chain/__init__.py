"""The industrial chain (产业链) part by part: vocabulary, tag parsing, health and gaps.

Three concerns, one module each; every public name is re-exported here (``geo.chain.X``):

- :mod:`geo.chain.vocabulary`: the plan's parts under its segments, its application
  fields, the inputs each part needs (:data:`NEEDS`), and a firm's tags
  (:func:`parse_tags`, :func:`tag_matrix`, :func:`products_of`);
- :mod:`geo.chain.health`: :func:`chain_health`, producers, cities, revenue and a status
  (strong / thin / missing) per part, and the city × part matrix (强链补链);
- :mod:`geo.chain.gaps`: :func:`city_chain`, a city's missing parts and the nearest
  producers elsewhere (the 招商 short list), and :func:`supply_flags` /
  :func:`supply_distance`, the 配套半径 measure (makers with a producer of each key
  component they need within 50 km).
"""

from geo.chain.gaps import (
    SUPPLY_RADIUS_KM,
    CityChain,
    city_chain,
    needed_by,
    origin_of,
    supply_distance,
    supply_flags,
)
from geo.chain.health import (
    STATUS_COLOURS,
    STATUSES,
    THIN_PRODUCERS,
    THIN_TOP_SHARE,
    ChainHealth,
    chain_health,
    city_index,
)
from geo.chain.vocabulary import (
    APPLICATIONS,
    GROUPS,
    KEY_COMPONENTS,
    MAKERS,
    NEEDS,
    PARTS,
    VOCABULARIES,
    Part,
    Unknown,
    label,
    labels,
    parse_tags,
    products_of,
    suggest,
    tag_matrix,
)

__all__ = [
    "APPLICATIONS",
    "GROUPS",
    "KEY_COMPONENTS",
    "MAKERS",
    "NEEDS",
    "PARTS",
    "STATUSES",
    "STATUS_COLOURS",
    "SUPPLY_RADIUS_KM",
    "THIN_PRODUCERS",
    "THIN_TOP_SHARE",
    "VOCABULARIES",
    "ChainHealth",
    "CityChain",
    "Part",
    "Unknown",
    "chain_health",
    "city_chain",
    "city_index",
    "label",
    "labels",
    "needed_by",
    "origin_of",
    "parse_tags",
    "products_of",
    "suggest",
    "supply_distance",
    "supply_flags",
    "tag_matrix",
]
