"""Requests against the database: create, find, log events, derive state, list.

Also the holidays in force (shipped data plus the user's additions) and the stable ``--json``
shapes of requests. Takes a session and the date; never prints, commits or reads the clock.
May import ``foi.law``, ``foi.directory``, ``foi.store`` and ``foi.errors``.
"""
