"""Scores of the pipeline's stages on labelled data (`briefing eval`)."""
