"""Cases (casussen): the pseudonymous case, who is involved in it and what partners contributed."""
