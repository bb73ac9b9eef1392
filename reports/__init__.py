"""PDF renderers: data in, bytes out (reportlab only here)."""
