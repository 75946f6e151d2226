"""Curation: how moderators change what the bot knows.

Safe edits of the knowledge files (validated, locked, atomic, audited), the store that keeps the audit
trail and the question log, and drafting a knowledge directory from a new article. No discord here.
"""
