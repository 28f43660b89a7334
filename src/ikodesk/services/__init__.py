"""Use cases of ikodesk: no Qt, no printing."""
