"""The portal layer: the HTTP contract (openapi.yaml), the client actions use, the sandbox."""
