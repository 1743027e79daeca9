# What differs between mmulab and QEMU in the SMP workloads
# (guests/os/user/smp.sh), masked before their transcripts are compared
# (tests/integration/ossmp.sh): pcidswitch's counts, which depend on the
# CPU model (mmulab has PCID, QEMU's TCG not) and on how often the timer
# preempted; smp.awk checks them by their relations on both.  mmapstorm's
# readers and writer take turns, so its numbers stay: they must agree.
s/^\(pcidswitch: [0-9]* processes on CPU [0-9]*, [0-9]* rounds: \).*/\1.../
