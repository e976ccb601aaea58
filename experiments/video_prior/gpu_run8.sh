#!/usr/bin/env bash
# Session 9, device command 3: the prior model's round 4 (configs/video_prior_hmm_r4.json: 2.0 GPU-min), stopped at 200 s,
# after the fix of route_heat_track (command 2, gpu_run7.sh, spent 370 s in its first validation on the long
# Harrisburg pairs and lost its training). Carry: .traindata .whl .heat_r4/prior_hmm_r3
set -u
LIMIT=200 TAG=run8 exec bash "$(dirname "$0")/gpu_run7.sh"
