"""sig2gps serve: the local HTTP server for the QGIS plugin (127.0.0.1 only, random bearer token)."""
from __future__ import annotations

import json
import logging
import os
import signal
import sys
import threading
from pathlib import Path


def add_parser(sub):
    p = sub.add_parser("serve", help="run the local backend server for the QGIS plugin (127.0.0.1 only)")
    p.add_argument("--port", type=int, default=0, help="port to listen on (default 0: a free one)")
    p.add_argument("--token-file", help="write {url, port, token, pid, ...} as JSON here (mode 0600) once listening")
    p.add_argument("--max-request-mb", type=float, default=64.0, help="largest accepted request body, MiB")
    p.add_argument("--workers", type=int, default=1, help="jobs run at the same time")
    p.add_argument("--chunk-traces", type=int, default=8, help="traces per step; progress and cancel between steps")
    p.add_argument("--data-dir", action="append", metavar="DIR",
                   help="a folder whose files requests may name (signaling, cells, network, model); repeat for "
                        "more (default: $SIG2GPS_DATA_DIRS, folders separated by the system's path separator, "
                        "else your home folder; hidden folders inside are never read)")
    p.add_argument("--inline-only", action="store_true", help="refuse every server-side path: inline data only")
    p.add_argument("--max-queued", type=int, default=64, help="jobs waiting at most; beyond, 503 + Retry-After")
    p.add_argument("--exit-with-parent", action="store_true",
                   help="stop when the process that started this one ends (the plugin passes it, so a crashed "
                        "QGIS leaves no server behind)")
    return p


def watch_parent(server, poll_s: float = 1.0) -> threading.Thread:
    """Shut the server down once its parent is gone (the child is re-parented, so getppid() changes)."""
    import os
    import time

    parent = os.getppid()

    def loop():
        while os.getppid() == parent:
            time.sleep(poll_s)
        logging.getLogger("sig2gps.server").warning("parent process %s ended: shutting down", parent)
        server.shutdown()

    t = threading.Thread(target=loop, name="sig2gps-parent-watch", daemon=True)
    t.start()
    return t


def run(args):
    from ..server import BackendServer, ServerConfig, write_connection_file

    # the plugin shows this log (stderr) when something goes wrong: timestamps help line it up with the GUI
    logger = logging.getLogger("sig2gps")
    logger.setLevel(logging.DEBUG if getattr(args, "verbose", False) else logging.INFO)  # sig2gps -v serve
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logger.addHandler(handler)
    logger.propagate = False
    env_dirs = tuple(d for d in os.environ.get("SIG2GPS_DATA_DIRS", "").split(os.pathsep) if d)
    data_dirs = () if args.inline_only else (tuple(args.data_dir or env_dirs) or None)
    for d in data_dirs or ():
        if not Path(d).is_dir():
            raise ValueError(f"--data-dir {d}: no such folder")
    cfg = ServerConfig(port=args.port, max_request_bytes=int(args.max_request_mb * 2**20), workers=args.workers,
                       chunk_traces=args.chunk_traces, data_dirs=data_dirs, max_queued=args.max_queued)
    try:
        server = BackendServer(cfg)
    except OSError as e:
        raise ValueError(f"cannot listen on 127.0.0.1:{args.port}: {e.strerror}")
    info = server.connection_info()
    token_file = None
    if args.token_file:
        token_file = write_connection_file(args.token_file, info)
    # one JSON line on stdout: a parent that did not pass --token-file can read it from the pipe
    print(json.dumps(info), flush=True)
    logging.getLogger("sig2gps.server").info("listening on %s (pid %s); data folders: %s", server.url, info["pid"],
                                             ", ".join(map(str, server.data_dirs)) or "none (inline data only)")

    def stop(signum, _frame):
        logging.getLogger("sig2gps.server").info("signal %s: shutting down", signum)
        threading.Thread(target=server.shutdown, daemon=True).start()  # shutdown() blocks; not from the loop

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    if args.exit_with_parent:
        watch_parent(server)
    try:
        server.serve_forever()
    finally:
        server.server_close()
        server.jobs.stop()
        if token_file is not None:
            token_file.unlink(missing_ok=True)  # a stale file would point the plugin at a dead port
        logging.getLogger("sig2gps.server").info("stopped")
    sys.stdout.flush()
    return 0
