"""Barometer's second stage: encode posts, classify sentiment and topics, train and score."""
