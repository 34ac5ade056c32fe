"""Programme tests."""
