"""The database: engine and sessions (``engine``), tables (``models``), Alembic ``migrations``.

Imports nothing of foi's but ``foi.errors``; everything else may import it.
"""
