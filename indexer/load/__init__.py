"""Loading: raw bytes of a page or a document (HTML, text, PDF, DOCX) → decoded text and, for HTML, one lxml tree."""

# How every loader (and the cleaner) flattens a table row into one line of text; tables/reader.py splits on it.
CELL_SEPARATOR = " | "
