"""briefing: a self-hosted daily AI-news briefing."""

__version__ = "0.1.0"
