"""Maps: an interactive single-file HTML map (:mod:`.html`, the only module importing pyvis)
and static figures (:mod:`.static`), with seeded layouts (:mod:`.layout`)."""
