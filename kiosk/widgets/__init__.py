"""Reusable widgets; each module has a same-named .kv file with its layout."""
