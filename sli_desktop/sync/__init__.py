"""Sync on demand: the client (``client``) and the wire models it shares with the server
(``protocol``). Importing this package imports neither, so the server can take only the
protocol."""
