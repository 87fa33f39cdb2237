"""One router per resource (DESIGN.md, ``api/``)."""
