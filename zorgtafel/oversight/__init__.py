"""The privacy officer's workspace (functionaris gegevensbescherming): the audit log browsed
and exported, every disclosure of a case, and the releases per partner against the convenant."""
