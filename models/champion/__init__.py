"""The champion heads shipped with Barometer (see ``models.shipped``)."""
