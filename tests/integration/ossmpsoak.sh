#!/bin/sh
# make soak, SMP piece (issue 7): mmapstorm with 10 million reads at -smp 4
# (user/smpsoak.sh) on mmulab (ended by --max-insns): every read checked,
# none stale, and the shootdown counters exactly what
# guests/os/tests/smp.awk works out from the sizes.  QEMU runs it too with
# SOAK_QEMU=1: its four vCPU threads spin on a shared host, which can take
# an hour.
#   PASS|FAIL|SKIP ossmpsoak mmulab|qemu
build="$1"
mmulab="$build/mmulab"
kernel="$build/guests/os/kernel.bin"
initrd="$build/guests/os/initrd.cpio"
reads=10000000
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
qemu=$(command -v qemu-system-x86_64 2>/dev/null)

check() {	# WHO OUT
	awk -v cpus=4 -v reads="$reads" -f guests/os/tests/check.awk -f guests/os/tests/smp.awk "$2" >"$2.numbers"
	if grep -q '^ok mmapstorm-stale$' "$2.numbers" && ! grep -q '^bad' "$2.numbers"; then
		echo "PASS ossmpsoak $1 ($(grep '^mmapstorm: [0-9]* generations' "$2" | cut -d' ' -f2-))"
	else
		echo "FAIL ossmpsoak $1"
		grep -v '^ok' "$2.numbers" | head -n 10 | sed 's/^/    /'
		grep '^mmapstorm' "$2" | sed 's/^/    /'
	fi
}
if [ ! -f "$kernel" ] || [ ! -f "$initrd" ]; then
	echo "FAIL ossmpsoak: no $kernel or $initrd"
	exit 0
fi
set -- -smp 4 -m 128 -append "script=/smpsoak.sh" -initrd "$initrd"
"$mmulab" --max-insns 400000000000 "$@" "$kernel" >"$tmp/m" 2>&1 </dev/null
check mmulab "$tmp/m"
if [ -n "$qemu" ] && [ "${SOAK_QEMU:-0}" = 1 ]; then
	timeout 3600 "$qemu" -accel tcg -cpu max -kernel "$kernel" "$@" -serial stdio -display none \
		-no-reboot -monitor none -device isa-debug-exit,iobase=0xf4,iosize=4 >"$tmp/q" 2>&1 </dev/null
	check qemu "$tmp/q"
else
	echo "SKIP ossmpsoak qemu (SOAK_QEMU=1 and qemu-system-x86_64 run it)"
fi
exit 0
