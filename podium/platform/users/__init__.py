"""Accounts, sessions, API tokens and summit roles."""
