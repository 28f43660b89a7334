"""Mediation: the mediation list and page, the mediation window and its steps, the mediator pool."""
