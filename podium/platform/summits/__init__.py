"""Summits (one edition of an event) and the roles people hold in them."""
