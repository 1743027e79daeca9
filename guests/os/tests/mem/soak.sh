# soak.sh (make soak): 128 MiB written and checked 40 times with -m 32M:
# over 4 GiB swapped in.
swapon /dev/sda
memhog 128m 40
vmstat
