"""Benchmarks: speed and accuracy of optolink side by side with its peers (`python -m benchmarks`)."""
