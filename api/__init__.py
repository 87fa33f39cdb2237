"""The HTTP service: ``create_app(settings)``, API keys and roles, the audit log, the routes."""
