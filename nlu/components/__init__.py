"""Custom Rasa components for older residents' spoken Mandarin."""
