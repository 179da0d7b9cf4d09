"""Siblings for `../imported_error_classes.py`: exception classes defined away from the handler."""
