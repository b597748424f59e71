"""Reading every reply: the text out of every stored file, page by page, full-text search, and
the campaign terms found in it.

``store`` is the read interface others code against (``page_texts``, ``extraction_state``) and
writes a file's pages; ``formats`` turns one file's bytes into pages (PDF text layers, OCR with
Tesseract, DOCX, XLSX, ODF, RTF, HTML, text, attached messages, ZIP archives) and runs only in
the limited child process that ``sandbox`` starts; ``queue`` keeps the extraction queue in the
database (claims, leases, retries) and ``worker`` works it; ``words`` tokenises and stems
(pure); ``index`` keeps the search index; ``search`` parses and answers a query identically on
SQLite (FTS5) and PostgreSQL (tsvector + GIN); ``vocabulary`` and ``suggest`` propose passages
as body evidence. SAR material never leaves its own request (see ``search``). Takes a session
and the time; never prints, commits or reads the clock. May import ``foi.store``,
``foi.evidence``, ``foi.directory``, ``foi.casework``, ``foi.law``, ``foi.config``, ``foi.errors``.
"""
