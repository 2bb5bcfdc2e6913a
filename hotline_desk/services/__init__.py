"""hotline_desk.services layer."""
