"""A fictional city portal implementing the same HTTP contract as the real gateway."""
