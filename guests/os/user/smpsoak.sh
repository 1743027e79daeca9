# smpsoak.sh: the TLB shootdown storm at length (make soak, issue 7):
# 10 million reads, every one checked, at whatever -smp the machine has.
mmapstorm 10000000
