"""The bodies we write to: the bundled directory (``data/``), imports, kinds, SIM evidence.

``kinds``, ``importers`` and the body-list layouts it reads (``body_lists/``) are pure; ``bodies``
holds the use cases on the database. May import ``foi.store``, ``foi.law`` and ``foi.errors``.
"""
