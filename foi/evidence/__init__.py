"""What replies prove: responses, answers per question, exemptions cited, stored files, and
the campaign's findings made public.

``blobs`` keeps raw mail and attachments in the database by their SHA-256 (the one
interface to evidence bytes); ``responses`` records a body's answer. ``findings`` turns a
campaign into one row per body and per-request facts, from streamed Core rows (exports and
the site alike); ``sheets`` lays rows out as CSV and workbook cells; ``stats`` is the pure
arithmetic over them (Wilson interval, median, percentile); ``redact`` removes requesters' and volunteers'
details from text (pure; ``redact.normalise`` is the text form it matches); ``publish`` writes the static evidence site from the templates in
``site/``, with ``site_figures`` (what the index shows: who ran SIM, charts, filters; pure),
``site_search`` (the static search index; pure) and ``campaign_text`` (a campaign's title,
Markdown summary and questions; pure); ``embargo`` holds requests and bodies back from
publication; ``bundle`` zips one request's correspondence; ``saving`` writes attachments out
under their names. SARs are left out of findings at the source
(``findings.body_findings``). May import ``foi.casework``, ``foi.directory``, ``foi.law``,
``foi.store``, ``foi.files``, ``foi.exports``.
"""
