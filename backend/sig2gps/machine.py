"""The one line that says where a measurement ran (CPU, cores, memory, device, date), for every record."""

from __future__ import annotations

import platform
from datetime import datetime, timezone


def machine_line(device: str = "") -> str:
    import os

    cpu = platform.processor() or platform.machine()
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        mem = f", {int(open('/proc/meminfo').readline().split()[1]) / 2**20:.0f} GiB RAM"
    except (OSError, ValueError):
        pass
    when = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    return f"Machine: {cpu}, {os.cpu_count()} cores{mem}{', ' + device if device else ''}. Date: {when}."
