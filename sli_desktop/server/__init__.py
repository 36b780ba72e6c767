"""The sync server: an ASGI app (FastAPI, under uvicorn) over SQLAlchemy Core storage that runs
the same on SQLite and PostgreSQL. It imports only ``domain`` and ``sync.protocol`` from the
client side."""
