"""SQL text for the office server (PostgreSQL)."""
