"""Writing: atomic, formula-safe, byte-identical files.

:mod:`.files` (atomic writers, formula-safe CSV and xlsx cells), :mod:`.tables` (one folder
of tables — CSV, JSON and a workbook — as written by analyze, gaps and compare),
:mod:`.graph` (GraphML, GEXF, node-link JSON, xlsx and CSV pairs) and :mod:`.template` (the
blank workbook to fill in).
"""
