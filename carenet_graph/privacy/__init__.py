"""Privacy: keyed pseudonyms (:mod:`.pseudonyms`, a pure graph transform) and their key files
(:mod:`.key`: creation, permissions, loading)."""

from carenet_graph.privacy.pseudonyms import load_or_create_key, mapping_table, pseudonym, pseudonymize

__all__ = ["load_or_create_key", "mapping_table", "pseudonym", "pseudonymize"]
