"""Mail in: read mailboxes (``sources``), parse one message (``parse``), match and keep it (``inbox``).

``parse`` is pure: bytes in, plain data out. ``inbox`` is the use case that stores a message
and matches it to its request. May import ``foi.casework``, ``foi.evidence``, ``foi.law``,
``foi.store``.
"""
