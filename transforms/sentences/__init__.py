"""Stage sentences: an article's text split into sentences with their character offsets."""
