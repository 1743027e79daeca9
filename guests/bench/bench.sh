#!/bin/sh
# `make bench`: boot the benchmark kernel on mmulab and print guest MIPS
# (instructions retired / wall seconds), then, when QEMU is installed, run
# the same kernel under QEMU (TCG) and print the wall-time ratio.
#   usage: sh guests/bench/bench.sh BUILD [ITERS]
# The instruction count comes from mmulab's --stats line ("stats: N
# instructions ..."); if it has none, from a QEMU run with -icount shift=0,
# where the guest's RDTSC delta counts instructions (then marked "approx.").
build="$1"
iters="${2:-24}"
mmulab="$build/mmulab"
kernel="$build/guests/bench/bench.elf"
qemu=$(command -v qemu-system-x86_64 2>/dev/null)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

now() { date +%s.%N; }
secs() { echo "$1 $2" | awk '{ printf "%.3f", $2 - $1 }'; }
qemu_run() {
	"$qemu" -accel tcg -cpu max -kernel "$kernel" -append "iters=$iters" -serial stdio \
		-display none -no-reboot -monitor none -device isa-debug-exit,iobase=0xf4,iosize=4 "$@"
}

[ -f "$kernel" ] || { echo "bench: $kernel not built"; exit 1; }
echo "bench kernel: $kernel iters=$iters"

if [ -x "$mmulab" ]; then
	t0=$(now)
	"$mmulab" --stats -append "iters=$iters" "$kernel" >"$tmp/mmulab.out" 2>"$tmp/mmulab.err"
	rc=$?
	t1=$(now)
	m_wall=$(secs "$t0" "$t1")
	sed 's/^/  mmulab| /' "$tmp/mmulab.out"
	insns=$(sed -n 's/.*stats: \([0-9][0-9]*\) instructions.*/\1/p' "$tmp/mmulab.err" | tail -n 1)
	approx=""
	if [ -z "$insns" ] && [ -n "$qemu" ]; then
		insns=$(qemu_run -icount shift=0 2>/dev/null | sed -n 's/^bench: tsc-delta //p')
		approx=" (approx., from QEMU -icount)"
	fi
	echo "mmulab: exit status $rc, $m_wall s wall"
	if [ -n "$insns" ]; then
		echo "$insns $m_wall" | awk -v a="$approx" \
			'{ printf "mmulab: %d instructions%s, %.1f guest MIPS\n", $1, a, $1 / $2 / 1e6 }'
	else
		echo "mmulab: instruction count unknown (no --stats line, no QEMU)"
	fi
	[ "$rc" = 1 ] || { echo "mmulab: the guest did not finish normally"; tail -n 5 "$tmp/mmulab.err"; }
else
	echo "mmulab: $mmulab not built"
fi

if [ -n "$qemu" ]; then
	t0=$(now)
	qemu_run >"$tmp/qemu.out" 2>/dev/null </dev/null
	t1=$(now)
	q_wall=$(secs "$t0" "$t1")
	echo "qemu: $q_wall s wall ($($qemu --version | head -n 1))"
	if [ -n "$m_wall" ]; then
		echo "$m_wall $q_wall" | awk '{ printf "ratio mmulab/qemu wall time: %.2f\n", $1 / $2 }'
		if grep -q checksum "$tmp/mmulab.out" &&
			[ "$(grep checksum "$tmp/mmulab.out")" = "$(grep checksum "$tmp/qemu.out")" ]; then
			echo "checksums agree"
		else
			echo "CHECKSUM MISMATCH: QEMU says $(grep checksum "$tmp/qemu.out")"
		fi
	else
		sed 's/^/  qemu| /' "$tmp/qemu.out"
	fi
else
	echo "qemu: not installed, no ratio"
fi
