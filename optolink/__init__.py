"""optolink."""
