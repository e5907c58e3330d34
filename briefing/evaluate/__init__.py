"""Quality scores on labelled data."""
