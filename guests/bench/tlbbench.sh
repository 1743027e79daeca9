#!/bin/sh
# `make bench`, TLB-bound phase: ns per access of the tlbbench pointer chase
# (32 MiB, 4 KiB pages, every access a TLB miss) on mmulab and, when
# installed, on QEMU (TCG), both with -m 256M.
#   usage: sh guests/bench/tlbbench.sh BUILD [ACCESSES [RUNS]]
# Each run pair boots the kernel with accesses=N and with accesses=N/16;
# the difference of the two wall times removes boot and chain building:
#   ns per access = (wall(N) - wall(N/16)) / (N - N/16)
# The same difference of the emulator's CPU time (user + system, from the
# shell's `times`) follows in brackets: on a busy host it moves less than
# wall time.  RUNS pairs (default 3, or $TLBBENCH_RUNS) are timed per
# emulator and each figure printed, then the best and the median.
#
# Two phases: the benchmark proper (8192 pages onto 8192 frames), then
# alias=1 (the same 8192 pages onto 128 frames, see tlbbench.c): the same
# guest TLB misses and walks with the data in the host's caches, which
# shows how much of the first figure is the host's memory hierarchy.
#
# From mmulab's --stats line ("MMU: L1 TLB H hits M misses, W walks, ...")
# the same difference gives L1 TLB misses and walks per access: 1.000 when
# every access misses.  Each run's last line is checked against the chain
# model in tlbchain.awk.  Figures only: nothing here passes or fails.
build="$1"
big="${2:-8388608}"
runs="${3:-${TLBBENCH_RUNS:-3}}"
small=$((big / 16))
mmulab="$build/mmulab"
kernel="$build/guests/bench/tlbbench.elf"
qemu=$(command -v qemu-system-x86_64 2>/dev/null)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

now() { date +%s.%N; }

# cpu_secs FILE: user + system seconds of finished children in `times` output.
cpu_secs() {
	awk 'NR == 2 { s = 0; for (i = 1; i <= 2; i++) { split($i, p, "m"); s += p[1] * 60 + p[2] } printf "%.3f", s }' "$1"
}

# run_timed NAME CMD...: run, COM1 output in $tmp/NAME.out, stderr in
# $tmp/NAME.err, status in $tmp/NAME.rc, "wall cpu" seconds in $tmp/NAME.time.
# (`times` runs in this shell, not in a subshell, so it sees the child.)
run_timed() {
	name="$1"
	shift
	times >"$tmp/times0"
	t0=$(now)
	"$@" >"$tmp/$name.out" 2>"$tmp/$name.err" </dev/null
	echo $? >"$tmp/$name.rc"
	t1=$(now)
	times >"$tmp/times1"
	echo "$t0 $t1 $(cpu_secs "$tmp/times0") $(cpu_secs "$tmp/times1")" |
		awk '{ printf "%.3f %.3f\n", $2 - $1, $4 - $3 }' >"$tmp/$name.time"
}

# check NAME N: the run ended normally with the final pointer the model predicts.
check() {
	want=$(awk -v accesses="$2" -f guests/bench/tlbchain.awk)
	got=$(grep '^tlbbench: final' "$tmp/$1.out")
	if [ "$(cat "$tmp/$1.rc")" != 1 ] || [ "$got" != "$want" ]; then
		echo "  $1: WRONG RUN (status $(cat "$tmp/$1.rc"), '$got', want '$want')"
		tail -n 3 "$tmp/$1.err" | sed 's/^/    /'
		return 1
	fi
}

# stat_field NAME WORD: the number before WORD in mmulab's stats line.
stat_field() {
	sed -n "s/.*MMU: .*[ ]\([0-9][0-9]*\) $2.*/\1/p" "$tmp/$1.err" | tail -n 1
}

# bench WHO ALIAS CMD...: RUNS timed pairs; prints each, then best and median.
bench() {
	who="$1"
	alias="$2"
	shift 2
	: >"$tmp/$who.ns"
	i=1
	while [ "$i" -le "$runs" ]; do
		run_timed "$who.small" "$@" "accesses=$small alias=$alias"
		run_timed "$who.big" "$@" "accesses=$big alias=$alias"
		if check "$who.small" "$small" && check "$who.big" "$big"; then
			echo "$(cat "$tmp/$who.big.time") $(cat "$tmp/$who.small.time") $big $small" |
				awk '{ printf "%.1f %.1f\n", ($1 - $3) * 1e9 / ($5 - $6), ($2 - $4) * 1e9 / ($5 - $6) }' \
				>"$tmp/$who.one"
			cat "$tmp/$who.one" >>"$tmp/$who.ns"
			line=$(echo "$(cat "$tmp/$who.big.time") $(cat "$tmp/$who.small.time") $(cat "$tmp/$who.one")" |
				awk '{ printf "%.2f s - %.2f s wall -> %.1f ns/access (cpu %.1f)", $1, $3, $5, $6 }')
			if [ "$who" = mmulab ]; then
				m=$(($(stat_field "$who.big" misses) - $(stat_field "$who.small" misses)))
				w=$(($(stat_field "$who.big" walks) - $(stat_field "$who.small" walks)))
				line="$line; L1 TLB +$m misses, +$w walks = $(echo "$m $w $big $small" |
					awk '{ printf "%.3f, %.3f", $1 / ($3 - $4), $2 / ($3 - $4) }') per access"
			fi
			echo "  $who run $i: $line"
		fi
		i=$((i + 1))
	done
	if [ -s "$tmp/$who.ns" ]; then
		wall=$(cut -d' ' -f1 "$tmp/$who.ns" | sort -n | awk '{ v[NR] = $1 }
			END { printf "%.1f ns per access wall, best of %d (median %.1f)", v[1], NR, v[int((NR + 1) / 2)] }')
		cpu=$(cut -d' ' -f2 "$tmp/$who.ns" | sort -n | head -n 1)
		echo "$who: $wall; cpu best $cpu"
		cut -d' ' -f1 "$tmp/$who.ns" | sort -n | head -n 1 >"$tmp/$who.best.$alias"
	fi
}

[ -f "$kernel" ] || { echo "tlbbench: $kernel not built"; exit 1; }
echo "tlbbench kernel: $kernel accesses=$big and $small, $runs run pairs each"
[ -n "$qemu" ] && echo "qemu: $($qemu --version | head -n 1)"

for alias in 0 1; do
	if [ "$alias" = 0 ]; then
		echo "tlbbench: 8192 pages onto 8192 frames (the benchmark: every access a TLB miss)"
	else
		echo "tlbbench: alias=1, 8192 pages onto 128 frames (same TLB misses, data in the host's caches)"
	fi
	if [ -x "$mmulab" ]; then
		bench mmulab "$alias" "$mmulab" --stats -m 256M -kernel "$kernel" -append
		grep 'MMU:' "$tmp/mmulab.big.err" | tail -n 1 | sed 's/^/  last mmulab run| /'
	else
		echo "mmulab: $mmulab not built"
	fi
	if [ -n "$qemu" ]; then
		bench qemu "$alias" "$qemu" -accel tcg -cpu max -m 256M -kernel "$kernel" -serial stdio \
			-display none -no-reboot -monitor none -device isa-debug-exit,iobase=0xf4,iosize=4 -append
		if [ -s "$tmp/mmulab.best.$alias" ] && [ -s "$tmp/qemu.best.$alias" ]; then
			echo "$(cat "$tmp/mmulab.best.$alias") $(cat "$tmp/qemu.best.$alias")" |
				awk '{ printf "ratio mmulab/qemu ns per access (best wall): %.2f\n", $1 / $2 }'
		fi
	else
		echo "qemu: not installed, no comparison"
	fi
done
exit 0
