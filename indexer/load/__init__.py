"""Loading: raw bytes of a page or a document (HTML, text, PDF, DOCX) → decoded text and, for HTML, one lxml tree.

sniff.py says what a source is, source.py loads it accordingly: html.py decodes and parses pages and
texts, documents.py extracts the text of PDF and DOCX files.
"""

# How every loader (and the cleaner) flattens a table row into one line of text; tables/reader.py splits on it.
CELL_SEPARATOR = " | "
