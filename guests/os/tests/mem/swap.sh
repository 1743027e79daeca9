# swap.sh: swap on the first ATA disk; a 96 MiB working set written and
# checked three times (run with -m 32M).
swapon /dev/sda
cat /proc/swaps
meminfo
memhog 96m 3
vmstat
meminfo
