"""Meetings (vergaderingen): the zorgtafel itself: agenda, who sits at the table, meeting mode."""
