"""The local backend server the QGIS plugin talks to: loopback HTTP, bearer token, jobs in worker threads.

The wire format is defined once in resources/wire (schemas + validator shared with the plugin).
"""
from .config import HOST, ServerConfig
from .http import BackendServer, write_connection_file

__all__ = ["HOST", "ServerConfig", "BackendServer", "write_connection_file"]
