#!/bin/sh
# TLB benchmark tier: the tlbbench kernel (guests/bench/tlbbench.c) with a
# small accesses=N must print the transcript its construction predicts —
# the final pointer computed on the host by guests/bench/tlbchain.awk from
# the same generator and shuffle — on mmulab and on QEMU, and the two must
# agree.  N = 100003 is not a multiple of 8 (the chase's remainder steps
# run) and goes round the 8192-page cycle 12 times.  alias=1 maps the same
# pages onto 128 frames: the same transcript but for the first line.
#   PASS|FAIL|SKIP tlbbench[ alias] mmulab|qemu|same-as-qemu
# Speed is never checked here: `make bench` prints it.
build="$1"
mmulab="$build/mmulab"
kernel="$build/guests/bench/tlbbench.elf"
n=100003
timeout_s=60
qemu=$(command -v qemu-system-x86_64 2>/dev/null)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

if [ ! -f "$kernel" ]; then
	echo "SKIP tlbbench ($kernel not built)"
	exit 0
fi

# expect FILE FRAMES: the transcript for accesses=$n.
expect() {
	{
		echo "tlbbench: 8192 pages of 4 KiB at 0x40000000 onto $2 frames, chain seed 12345"
		echo "tlbbench: cycle 8192"
		echo "tlbbench: accesses=$n"
		awk -v accesses="$n" -f guests/bench/tlbchain.awk
		echo "exit status: 1"
	} >"$1"
}

# compare NAME EXPECTED GOT
compare() {
	if cmp -s "$2" "$3"; then
		echo "PASS $1"
	else
		echo "FAIL $1"
		diff -u "$2" "$3" | sed -n '3,12p' | sed 's/^/    /'
		[ -s "$3.err" ] && tail -n 3 "$3.err" | sed 's/^/    /'
	fi
}

for alias in 0 1; do
	name=tlbbench
	frames=8192
	if [ "$alias" = 1 ]; then
		name="tlbbench alias"
		frames=128
	fi
	expect "$tmp/want.$alias" "$frames"
	args="accesses=$n alias=$alias"
	if [ -x "$mmulab" ]; then
		"$mmulab" --timeout "$timeout_s" -m 256M -kernel "$kernel" -append "$args" \
			>"$tmp/mmulab.$alias" 2>"$tmp/mmulab.$alias.err" </dev/null
		echo "exit status: $?" >>"$tmp/mmulab.$alias"
		compare "$name mmulab" "$tmp/want.$alias" "$tmp/mmulab.$alias"
	else
		echo "SKIP $name mmulab (no $mmulab)"
	fi
	if [ -z "$qemu" ]; then
		echo "SKIP $name qemu (qemu-system-x86_64 not installed)"
		echo "SKIP $name same-as-qemu (qemu-system-x86_64 not installed)"
		continue
	fi
	timeout "$timeout_s" "$qemu" -accel tcg -cpu max -m 256M -kernel "$kernel" -append "$args" \
		-serial stdio -display none -no-reboot -monitor none \
		-device isa-debug-exit,iobase=0xf4,iosize=4 >"$tmp/qemu.$alias" 2>"$tmp/qemu.$alias.err" </dev/null
	echo "exit status: $?" >>"$tmp/qemu.$alias"
	compare "$name qemu" "$tmp/want.$alias" "$tmp/qemu.$alias"
	if [ -x "$mmulab" ]; then
		compare "$name same-as-qemu" "$tmp/qemu.$alias" "$tmp/mmulab.$alias"
	else
		echo "SKIP $name same-as-qemu (no $mmulab)"
	fi
done
exit 0
