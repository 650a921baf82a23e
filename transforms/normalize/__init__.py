"""Stage normalize: raw items become articles (ids, clean text, publication dates) and duplicates leave."""
