"""The knowledge base (第二十九–三十一条): entries, file formats, and search."""
