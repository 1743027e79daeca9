#!/usr/bin/env python3
# ptematrix-counts.py: the number of #PF cases in each ptematrix group,
# derived independently of guests/common/pterule.c from SDM vol. 3 4.5.4
# (P, XD reserved with NXE=0) and 4.6.1 (access rights).  Prints the same
# "controls level count" triples as the group lines of ptematrix.expect:
#   python3 guests/tests/ptematrix-counts.py
import itertools
P,W,U,X=1,2,4,8
def faults(wp,nxe,smep,smap,ac,upper):
    n=0
    for uf in range(16):
        for lf in range(16):
            ents=[P|W|U]*3+[lf]; ents[{4:0,3:1,2:2}[upper]]=uf
            for cpl in (0,3):
                for acc in ('r','w','x'):
                    f=False
                    for e in ents:
                        if not e&P: f=True;break
                        if (e&X) and not nxe: f=True;break
                    if not f:
                        rw=all(e&W for e in ents); us=all(e&U for e in ents); xd=any(e&X for e in ents)
                        if cpl==3:
                            ok = us and (acc!='w' or rw) and (acc!='x' or not (nxe and xd))
                        elif acc=='x':
                            ok = not (us and smep) and not (nxe and xd)
                        else:
                            ok = not (us and smap and not ac) and not (acc=='w' and wp and not rw)
                        f = not ok
                    n+=f
    return n
for wp in (0,1):
 for nxe in (0,1):
  for smep in (0,1):
   for sa in range(3):
    for up in (4,3,2):
     print("WP=%d NXE=%d SMEP=%d SMAP=%d AC=%d %s %d"%(wp,nxe,smep,sa>0,sa==2,{4:'PML4E',3:'PDPTE',2:'PDE'}[up],faults(wp,nxe,smep,sa>0,sa==2,up)))
