"""Notulen: the minutes of an agenda item, drafted in versions and vastgesteld once."""
