"""Custom actions: the only code that calls the portal. One module per errand."""
