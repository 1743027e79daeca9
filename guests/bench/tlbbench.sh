#!/bin/sh
# `make bench`, TLB-bound phase: ns per access of the tlbbench pointer chase
# (32 MiB, 4 KiB pages, every access a TLB miss) on mmulab and, when
# installed, on QEMU (TCG), both with -m 256M.
#   usage: sh guests/bench/tlbbench.sh BUILD [ACCESSES [RUNS]]
# Each run pair boots the kernel with accesses=N and with accesses=N/16;
# the difference of the two wall times removes boot and chain building:
#   ns per access = (wall(N) - wall(N/16)) / (N - N/16)
# RUNS pairs (default 3, or $TLBBENCH_RUNS) are timed per emulator, since
# the host may be busy; each figure is printed, then the smallest.  From
# mmulab's --stats line ("MMU: L1 TLB H hits M misses, W walks, ...") the
# same difference gives L1 TLB misses and walks per access: about 1 when
# every access misses.  Each run's last line is checked against the chain
# model in tlbchain.awk.  Figures only: nothing here passes or fails.
build="$1"
big="${2:-16777216}"
runs="${3:-${TLBBENCH_RUNS:-3}}"
small=$((big / 16))
mmulab="$build/mmulab"
kernel="$build/guests/bench/tlbbench.elf"
qemu=$(command -v qemu-system-x86_64 2>/dev/null)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

now() { date +%s.%N; }

# run_timed NAME N CMD...: run, COM1 output in $tmp/NAME.out, stderr in
# $tmp/NAME.err, wall seconds in $tmp/NAME.wall, status in $tmp/NAME.rc.
run_timed() {
	name="$1"
	shift
	t0=$(now)
	"$@" >"$tmp/$name.out" 2>"$tmp/$name.err" </dev/null
	echo $? >"$tmp/$name.rc"
	t1=$(now)
	echo "$t0 $t1" | awk '{ printf "%.6f\n", $2 - $1 }' >"$tmp/$name.wall"
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

# ns_per_access NAME: from $tmp/NAME.big.wall and $tmp/NAME.small.wall.
ns_per_access() {
	echo "$(cat "$tmp/$1.big.wall") $(cat "$tmp/$1.small.wall") $big $small" |
		awk '{ printf "%.1f", ($1 - $2) * 1e9 / ($3 - $4) }'
}

# stat_field NAME WORD: the number before WORD in mmulab's stats line.
stat_field() {
	sed -n "s/.*MMU: .*[ ]\([0-9][0-9]*\) $2.*/\1/p" "$tmp/$1.err" | tail -n 1
}

# bench WHO CMD...: RUNS timed pairs of WHO (mmulab or qemu); prints each.
bench() {
	who="$1"
	shift
	: >"$tmp/$who.ns"
	i=1
	while [ "$i" -le "$runs" ]; do
		run_timed "$who.small" "$@" "accesses=$small" &&
			run_timed "$who.big" "$@" "accesses=$big"
		if check "$who.small" "$small" && check "$who.big" "$big"; then
			ns=$(ns_per_access "$who")
			echo "$ns" >>"$tmp/$who.ns"
			line="$who: run $i: $(cat "$tmp/$who.big.wall") s - $(cat "$tmp/$who.small.wall") s -> $ns ns/access"
			if [ "$who" = mmulab ]; then
				h=$(($(stat_field "$who.big" hits) - $(stat_field "$who.small" hits)))
				m=$(($(stat_field "$who.big" misses) - $(stat_field "$who.small" misses)))
				w=$(($(stat_field "$who.big" walks) - $(stat_field "$who.small" walks)))
				line="$line; L1 TLB +$m misses +$w walks +$h hits ($(echo "$m $w $big $small" |
					awk '{ printf "%.3f misses, %.3f walks", $1 / ($3 - $4), $2 / ($3 - $4) }') per access)"
			fi
			echo "$line"
		fi
		i=$((i + 1))
	done
	if [ -s "$tmp/$who.ns" ]; then
		sort -n "$tmp/$who.ns" | awk -v who="$who" \
			'NR == 1 { best = $1 } { v[NR] = $1 }
			 END { printf "%s: %.1f ns per access (best of %d; median %.1f)\n", who, best, NR, v[int((NR + 1) / 2)] }'
	fi
}

[ -f "$kernel" ] || { echo "tlbbench: $kernel not built"; exit 1; }
echo "tlbbench kernel: $kernel accesses=$big and $small, $runs run pairs"

if [ -x "$mmulab" ]; then
	bench mmulab "$mmulab" --stats -m 256M -kernel "$kernel" -append
	grep 'MMU:' "$tmp/mmulab.big.err" | tail -n 1 | sed 's/^/  mmulab (accesses='"$big"')| /'
else
	echo "mmulab: $mmulab not built"
fi

if [ -n "$qemu" ]; then
	echo "qemu: $($qemu --version | head -n 1)"
	bench qemu "$qemu" -accel tcg -cpu max -m 256M -kernel "$kernel" -serial stdio \
		-display none -no-reboot -monitor none -device isa-debug-exit,iobase=0xf4,iosize=4 -append
	if [ -s "$tmp/mmulab.ns" ] && [ -s "$tmp/qemu.ns" ]; then
		echo "$(sort -n "$tmp/mmulab.ns" | head -n 1) $(sort -n "$tmp/qemu.ns" | head -n 1)" |
			awk '{ printf "ratio mmulab/qemu ns per access: %.2f\n", $1 / $2 }'
	fi
else
	echo "qemu: not installed, no comparison"
fi
exit 0
