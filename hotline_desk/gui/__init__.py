"""hotline_desk.gui layer."""
