"""Stage entities: the actors (countries, officials, organizations, groups) and places an article names."""
