"""The first stage: read sources, validate records, anonymize them, store them exactly once."""
