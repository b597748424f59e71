"""What replies prove: responses, answers per question, exemptions cited, and stored files.

``blobs`` keeps raw mail and attachments in the database by their SHA-256 (the one
interface to evidence bytes); ``responses`` records a body's answer. May import
``foi.casework``, ``foi.directory``, ``foi.law``, ``foi.store``.
"""
