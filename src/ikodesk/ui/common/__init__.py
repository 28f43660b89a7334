"""Widgets and plumbing every screen shares: fields, tables, titles, messages, the worker."""
