"""Rasa's tracker and lock stores for a city fleet, loaded by the Rasa server itself (Rasa
environment, Python 3.10). They import nothing of the kiosk but common/."""
