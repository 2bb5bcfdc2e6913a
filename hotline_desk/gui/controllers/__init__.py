"""Controllers: thin glue between one panel and one service (read, call, render)."""
