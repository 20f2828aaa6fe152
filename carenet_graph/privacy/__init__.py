"""Privacy: keyed pseudonyms (:mod:`.pseudonyms`, a pure graph transform) and their key files
(:mod:`.key`: creation with mode 0600, the permissions warning, parsing, loading)."""

from carenet_graph.privacy.key import KEY_BYTES, check_key, load_or_create_key
from carenet_graph.privacy.pseudonyms import (
    DEFAULT_EDGE_KEEP,
    DEFAULT_KEEP,
    DEFAULT_PREFIX,
    PSEUDONYM_BITS,
    distinct_pseudonyms,
    mapping_table,
    pseudonym,
    pseudonymize,
    record_code,
)

__all__ = [
    "DEFAULT_EDGE_KEEP",
    "DEFAULT_KEEP",
    "DEFAULT_PREFIX",
    "KEY_BYTES",
    "PSEUDONYM_BITS",
    "check_key",
    "distinct_pseudonyms",
    "load_or_create_key",
    "mapping_table",
    "pseudonym",
    "pseudonymize",
    "record_code",
]
