"""Reading and writing files: sniffing, tables, graph formats and safe, atomic output."""
