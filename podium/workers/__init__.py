"""The arq worker: its settings and the one registry of jobs and cron jobs."""
