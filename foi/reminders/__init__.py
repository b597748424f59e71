"""What is due and what happens next: reminders, delivery, the daemon, calendars, escalation.

``due`` and ``ics`` are pure (snapshots and a date in, reminders or iCalendar out); ``store``
reads the database (``quiet`` answers "nothing due" from the tables alone); ``delivery`` is
the one delivery pass shared by ``remind run`` and the ``daemon`` (APScheduler wiring only,
including the mailbox poll); ``escalation`` drafts chasers, reviews, complaints and appeals;
``repeats`` drafts a campaign's next round (or schedules it).
May import every domain package; never ``foi.cli``.
"""
