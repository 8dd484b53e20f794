"""symdiff serve: the derivative calculator as a local web page and a JSON HTTP API (the optional `web` extra:
Starlette and uvicorn, imported only by this package)."""
