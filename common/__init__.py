"""Small helpers every process shares: identity numbers, masking, PIN hashing."""
