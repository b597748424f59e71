"""Mail in: read mailboxes (``sources``), parse one message (``parse``), match and keep it (``inbox``).

``large`` reads a message too big to hold in memory from disk, once, its big parts decoded
to temporary files for ``inbox`` to stream into the database.

``parse`` is pure: bytes in, plain data out. ``inbox`` is the use case that stores a message
and matches it to its request; ``inbox.import_batches`` is the one loop (a transaction per
batch) every source goes through. ``imap`` talks to an IMAP server (no database);
``fetch`` reads a folder exactly once, recording its progress with each batch.
May import ``foi.casework``, ``foi.evidence``, ``foi.reading`` (to queue attachments), ``foi.law``, ``foi.store``, ``foi.config``.
"""
