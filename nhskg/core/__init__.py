"""The core every layer may import, and which imports nothing else of ours:
errors a user can cause, settings from the environment, and the vocabulary
declaration (labels, relationship types, statuses)."""
