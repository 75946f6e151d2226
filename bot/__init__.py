"""StoryBot: answers questions about a news story from a curated, source-checked knowledge base."""

__version__ = "0.1.0"
