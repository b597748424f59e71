"""Letters out: templates and rendering, batches, letter records, sending, transport.

``templates`` is pure (a sandboxed Jinja2); ``transport`` turns a finished letter into mail
(SMTP or ``.eml``) and knows nothing of templates; ``batches``, ``records`` and ``sending``
are use cases on the database. May import ``foi.casework``, ``foi.directory``, ``foi.law``,
``foi.store``.
"""
