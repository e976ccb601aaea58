"""Loaded by the backend process of tests/plugin/test_progress_cancel.py (this folder is put first on its
PYTHONPATH): registers `_test_slow`, a method that takes `steps` steps of `step_s` seconds per trace and
reports each one through server/jobs.py's progress_callback, as the video sampler does."""
import time

from sig2gps.methods.registry import register
from sig2gps.methods.towers import TowersMethod


@register
class SlowSteps(TowersMethod):
    name = "_test_slow"
    description = "test only: slow, reports its steps"
    needs_network = True

    def reconstruct_many(self, traces):
        steps = int(self.options.extra.get("steps", 30))
        step_s = float(self.options.extra.get("step_s", 0.1))
        cb = getattr(self, "progress_callback", None)
        for s in range(steps):
            time.sleep(step_s)
            if cb is not None and not self.options.extra.get("ignore_cancel"):
                cb(s + 1, steps)
        recs = [TowersMethod.reconstruct(self, t) for t in traces]
        return recs, []
