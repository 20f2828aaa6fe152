"""Writing: atomic, formula-safe, byte-identical files.

:mod:`.files` (atomic writers, formula-safe CSV and xlsx cells), :mod:`.dialects` (the machine
CSV and the CSV Excel opens by double-click), :mod:`.tables` (one folder of tables — CSV, JSON
and a workbook — as written by analyze, gaps and compare), :mod:`.office` and :mod:`.columns`
(those workbooks in the user's language: headers, labels, number formats), :mod:`.graph`
(GraphML, GEXF, node-link JSON, xlsx and CSV pairs) and :mod:`.template` (the blank workbook to
fill in).
"""
