"""The demo organisation: a seeded synthetic forum with planted events, and the demo pipeline."""
