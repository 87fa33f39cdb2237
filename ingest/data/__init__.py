"""Word lists the anonymizer reads: name lists (from Faker), allow list, ambiguous words."""
