"""hotline_desk.server layer."""
