"""Process management: logging, training, the child services and the supervisor."""
