"""What every stage shares: the Document record, stable ids, reject rows and the Beam plumbing."""
