"""Tests of the hardware the kiosk talks to: protocol logic, and drivers over real pseudo-terminals."""
