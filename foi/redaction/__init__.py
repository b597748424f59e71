"""Personal data in attachments, found before they are published, and redacted copies.

``findings`` is pure: it finds the requester's and volunteers' names, emails and postal
addresses, any email address (obfuscated ones too), UK phone numbers, postcodes, NHS numbers,
dates of birth and the campaign's own terms in page texts, after normalising them (NFKC,
format characters removed). ``render`` makes a redacted PDF in which removed content is
gone, not covered: pages are rasterised (poppler), boxes burnt in (Pillow), and a text
layer given back by OCR (Tesseract), joined with pypdf; DOCX, XLSX and images become PDFs
first. ``review`` is the publishable gate (a scan, refused while findings stand unless a
volunteer records a review) and stores redacted copies beside their originals (table
``redactions``, bytes through ``foi.evidence.blobs``); ``public`` says which copy of a
publishable attachment may leave foi. May import ``foi.evidence``, ``foi.store``,
``foi.errors``, ``foi.files`` and ``foi.reading`` (page texts); never the CLI or the clock.
"""
