"""Beheer: users, the database (backup, rekey, check), security settings and the audit log."""
