"""The law as code: calendars, bank holidays, statutory clocks, event logs and exemptions.

Pure: these modules take dates and data and return dates and data. They import only the
standard library, dateutil and ``holidays`` (and each other, and ``foi.errors``); never the
database, the CLI, or the clock.
"""
