"""Writing: atomic, formula-safe, byte-identical files.

:mod:`.files` (atomic writers, formula-safe CSV and xlsx cells), :mod:`.cells` (what a cell's
text is, a whole column at a time), :mod:`.dialects` (the machine CSV and the CSV Excel opens by
double-click), :mod:`.tables` (one folder of tables — CSV, JSON and a workbook — as written by
analyze, gaps and compare), :mod:`.office`, :mod:`.words` and :mod:`.columns` (those workbooks in
the user's language: headers, labels, number formats), :mod:`.sheetxml` (long sheets streamed as
XML), :mod:`.summary` (tables longer than a sheet), :mod:`.graph` (GraphML, GEXF, node-link JSON,
xlsx and CSV pairs) and :mod:`.template` (the blank workbook to fill in).
"""
