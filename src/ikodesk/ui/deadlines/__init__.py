"""The Hague and Brussels IIb clocks on screen: the Termijnen page, the login line and
the texts the case window shares (issue #17)."""
