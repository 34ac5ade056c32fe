"""The notification outbox: one row per message, keyed so that a job run twice sends once."""
