"""The floor for `foi inbox import`: the standard library parsing an mbox into SQLite.

Run:  python bench/floor_inbox.py DB MBOX

What foi's import must do at the least, with nothing of foi's: read each message of the
mbox (`mailbox.mbox`), parse it (`email.message_from_bytes`, `policy=default`), take its main
headers and readable text, and write into a SQLite file (WAL, as foi's database) the raw
bytes and every attachment's decoded bytes, stored once by SHA-256, with a row per message
and per attachment; in transactions of 100 messages, as foi commits. No matching, no
casework. Prints one JSON line: messages, attachments, their bytes and the set of
attachment hashes (for the bench's check that both sides stored the same files).
"""

from __future__ import annotations

import email
import email.policy
import hashlib
import json
import mailbox
import sqlite3
import sys

SCHEMA = """
CREATE TABLE IF NOT EXISTS blobs (sha256 TEXT PRIMARY KEY, size INTEGER, data BLOB);
CREATE TABLE IF NOT EXISTS inbox (
    id INTEGER PRIMARY KEY, sha256 TEXT, message_id TEXT, subject TEXT, from_addr TEXT,
    sent TEXT, in_reply_to TEXT, body_text TEXT
);
CREATE TABLE IF NOT EXISTS attachments (
    id INTEGER PRIMARY KEY, inbox_id INTEGER, filename TEXT, content_type TEXT,
    sha256 TEXT, size INTEGER
);
"""
BATCH = 100


def store(conn: sqlite3.Connection, data: bytes) -> str:
    """Write bytes once by their SHA-256; return it."""
    sha = hashlib.sha256(data).hexdigest()
    conn.execute(
        "INSERT OR IGNORE INTO blobs (sha256, size, data) VALUES (?, ?, ?)", (sha, len(data), data)
    )
    return sha


def main(db: str, path: str) -> None:
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.executescript(SCHEMA)
    box = mailbox.mbox(path, create=False)
    messages = attachments = size = 0
    hashes: set[str] = set()
    try:
        conn.execute("BEGIN IMMEDIATE")
        for key in box.iterkeys():
            raw = box.get_bytes(key)
            msg = email.message_from_bytes(raw, policy=email.policy.default)
            body = msg.get_body(("plain", "html"))
            text = body.get_content() if body is not None else None
            cur = conn.execute(
                "INSERT INTO inbox (sha256, message_id, subject, from_addr, sent, in_reply_to,"
                " body_text) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    store(conn, raw),
                    str(msg.get("message-id") or ""),
                    str(msg.get("subject") or ""),
                    str(msg.get("from") or ""),
                    str(msg.get("date") or ""),
                    str(msg.get("in-reply-to") or ""),
                    text,
                ),
            )
            for part in msg.walk():
                if part.is_multipart() or part is body or part.get_content_maintype() == "message":
                    continue
                if part.get_filename() is None and part.get_content_maintype() == "text":
                    continue  # an alternative rendering of the text, not a file
                data = part.get_payload(decode=True) or b""
                sha = store(conn, data)
                conn.execute(
                    "INSERT INTO attachments (inbox_id, filename, content_type, sha256, size)"
                    " VALUES (?, ?, ?, ?, ?)",
                    (cur.lastrowid, part.get_filename(), part.get_content_type(), sha, len(data)),
                )
                attachments += 1
                size += len(data)
                hashes.add(sha)
            messages += 1
            if messages % BATCH == 0:
                conn.execute("COMMIT")
                conn.execute("BEGIN IMMEDIATE")
        conn.execute("COMMIT")
    finally:
        box.close()
        conn.close()
    print(
        json.dumps(
            {
                "messages": messages,
                "attachments": attachments,
                "attachment_bytes": size,
                "hashes": sorted(hashes),
            }
        )
    )


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
