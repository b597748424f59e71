"""Body lists, piece by piece, for `foi body import` (`foi.directory.importers` is the way in).

Pure parsing: no database, no printing, no clock. `records` turns a file's bytes into CSV
records (the encoding, binary files refused, the line each record starts on); `rows` holds what
a list yields (`BodyRow`, `RowNote`, `BodyStream`) and `ImportFormatError`; each layout has its
own module: `wdtk` (a WhatDoTheyKnow / Alaveteli export), `ods_etr` (the NHS ODS ``etr.csv``)
and `plain` (any CSV with a ``name`` column); `names` proper-cases upper-case NHS names.
"""
