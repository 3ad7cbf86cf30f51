"""littrack: a nightly PubMed tracker for ketamine in CRPS."""
