"""Stage sources: seed files, RSS/Atom/RDF feeds and the article pages they link to, read into raw items."""
