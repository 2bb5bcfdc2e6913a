"""One router per concept; each endpoint is a plain ``def`` (run in the thread pool) that
opens its own connection and transaction."""
