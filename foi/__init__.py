"""foi: a Freedom of Information request manager for campaigns.

Where things live (each package's docstring says what it owns and what it may import):

- ``foi/law/``        the rules: working-day calendars and bank holidays, every statutory
                      clock, a request's event log and states, the exemptions. Pure.
- ``foi/directory/``  the bodies we write to: the bundled directory, imports, kinds, evidence
                      about SIM adoption.
- ``foi/casework/``   requests against the database: create, find, log events, list, the
                      holidays in force, the ``--json`` shapes.
- ``foi/letters/``    letters out: templates and rendering, batches, the letter records,
                      exactly-once sending, SMTP and ``.eml`` transport.
- ``foi/mail/``       mail in: mailbox files and IMAP, parsing messages, matching and storing.
- ``foi/evidence/``   what replies prove: responses and answers, stored files; the findings
                      (results per body, statistics, the published site, bundles).
- ``foi/reminders/``  what is due and what happens next: reminders, their store and delivery
                      pass, the daemon, calendar export, chasing and escalation.
- ``foi/store/``      the database: engine and sessions, tables, migrations.
- ``foi/cli/``        the thin Typer layer: parse, call one use case, print. Nothing imports it.
- ``foi/config.py``, ``foi/errors.py``, ``foi/clock.py``, ``foi/files.py``, ``foi/exports.py``:
  settings (one check per setting), the error family with exit codes, the one place that
  reads the clock, atomic file writing, formula-safe CSV/XLSX.

Rules kept by ``tests/test_layout.py``: pure modules import neither the database nor the CLI
and never read the clock; no package imports ``foi.cli``; only the edges read the clock.
"""

__version__ = "0.3.0"
