# thrash.sh: a working set a little larger than RAM, with swap: major
# faults, kswapd, accessed-bit aging (watch it with -display).
swapon /dev/sda
thrash 3
vmstat
