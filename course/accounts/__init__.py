"""Accounts: registration, login with throttling, roles, sessions that really end."""
