"""Probe: VIDEO_MATCH variants on cached video read-back dots (the --snap decode of the video method).

    SIG2GPS_BENCH_ROOT=/work/bench PYTHONPATH=backend python experiments/video_prior/eval_match.py DOTS.pkl
DOTS.pkl: {"pred": {id: (t, lon, lat)} raw heat dots (video --decode heat --no-snap), "sig": the signaling,
"truth": the GPS}, written for 30 campo-grande test traces (every 4th) by the session-8 probe. Prints MAE and
the plausibility failures per variant (records/session8/match_variants.txt).
"""
import sys, pickle
sys.path.insert(0,'experiments')
import numpy as np
from dataclasses import replace
from bench_subset import test_benchmark
from sig2gps.network import load_network
from sig2gps.mapmatch import VIDEO_MATCH, MapMatcher
from sig2gps.metrics import evaluate_tracks
from sig2gps.plausibility import check_plausibility
from sig2gps.types import GpsTrace
b=test_benchmark(40)
net=load_network(b.network_paths['campo-grande'])
D=pickle.load(open(sys.argv[1],'rb'))
raw=D['pred']
V=VIDEO_MATCH
variants={
 'sig200':replace(V,hmm=replace(V.hmm,sigma_m=200.0),candidates=replace(V.candidates,radius_m=500.0)),
 'sig200k300':replace(V,hmm=replace(V.hmm,sigma_m=200.0),candidates=replace(V.candidates,radius_m=500.0),cleanup=replace(V.cleanup,kalman_sigma_m=300.0)),
 'sig200lw06':replace(V,hmm=replace(V.hmm,sigma_m=200.0,length_weight=0.6),candidates=replace(V.candidates,radius_m=500.0),cleanup=replace(V.cleanup,kalman_sigma_m=300.0)),
}
for name,cfg in variants.items():
    mm=MapMatcher(net,cfg,precompute=False)
    pred={}; reasons=[]
    for tid,(t,lon,lat) in raw.items():
        x,y=net.to_xy(lon,lat)
        tr=mm.match(np.asarray(t),np.asarray(x),np.asarray(y))
        lo,la=net.to_lonlat(tr[0].x,tr[0].y)
        pred[tid]=(tr[0].t,lo,la)
        s=D['sig'][tid]
        p=check_plausibility(GpsTrace(tid,tr[0].t,lo,la), net, span_lonlat=(s[1],s[2]))
        if not p.ok: reasons.append(p.reason[:150])
    m=evaluate_tracks(D['truth'], pred)
    print(name, round(m['overall']['mae_m'],1), {s: round(m[s]['mae_m']) for s in ('small','medium','large')}, round(m['overall']['l100'],3), 'implausible', len(reasons), flush=True)
    for r in reasons: print('   ', r)
