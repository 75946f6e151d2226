"""Services every front end shares: the live engine and its reloads, the folder watcher, the question
log, and resolving what a control or a name refers to. They know nothing of Discord; the Discord
adapter and the CLI are handed them.
"""
