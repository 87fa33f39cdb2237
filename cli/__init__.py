"""The ``barometer`` command and the demo pipeline. Imports everything; nothing imports it."""
