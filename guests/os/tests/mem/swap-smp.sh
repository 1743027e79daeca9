# swap-smp.sh: swap.sh's memhog, smaller, for -smp 2: kswapd reclaims on
# one CPU while memhog faults on the other (run with -m 32M).
swapon /dev/sda
memhog 36m 2
vmstat
