"""photonics."""
