"""hotline_desk.storage layer."""
