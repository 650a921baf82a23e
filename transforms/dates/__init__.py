"""Stage dates: publication dates and the date expressions in the text, resolved to calendar dates."""
