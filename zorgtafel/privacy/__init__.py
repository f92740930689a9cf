"""Privacy core: the crypto vault, the policy and the one disclosure gate."""
