"""Cases: the case list and page, the case window and its parts, contacts and conflicts."""
