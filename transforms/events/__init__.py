"""Stage events: CAMEO-coded events (who did what to whom, when, where) from the sentences."""
