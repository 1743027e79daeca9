#!/bin/sh
# make soak, memory piece (issue 8): the guest OS with -m 32 swaps a
# 128 MiB working set in and out 40 times on a 256 MiB swap disk (made by
# mkswap here), memhog checking every word of every page on every pass:
# more than 4 GiB swapped in (pswpin * 4 KiB, checked), no swap checksum
# mismatch, every pass verified, a clean power-off.  On mmulab (ended by
# --max-insns; about 20 billion instructions); on QEMU too when installed
# and OSSOAK_QEMU=1 (TCG's port I/O makes it take well over half an hour).
#   PASS|FAIL|SKIP ossoak mmulab|qemu
build="$1"
mmulab="$build/mmulab"
kernel="$build/guests/os/kernel.bin"
initrd="$build/guests/os/initrd-mem.cpio"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
qemu=$(command -v qemu-system-x86_64 2>/dev/null)

if ! command -v mkswap >/dev/null; then
	echo "SKIP ossoak (no mkswap to prepare the swap disk)"
	exit 0
fi
check() {	# WHO OUT
	awk -v disk_kb=262144 -v want_passes=40 -f guests/os/tests/check.awk -f guests/os/tests/swap.awk "$2" >"$2.numbers"
	pswpin=$(awk '$1 == "pswpin" { print $2 }' "$2")
	if ! grep -q '^bad' "$2.numbers" && [ "${pswpin:-0}" -ge 1048576 ]; then
		echo "PASS ossoak $1 ($pswpin pages swapped in)"
	else
		echo "FAIL ossoak $1 (pswpin ${pswpin:-none}, want >= 1048576 = 4 GiB)"
		grep '^bad' "$2.numbers" | head -n 10 | sed 's/^/    /'
	fi
}
for who in mmulab qemu; do
	dd if=/dev/zero of="$tmp/swap.img" bs=1048576 count=256 2>/dev/null
	mkswap "$tmp/swap.img" >/dev/null 2>&1
	set -- -m 32 -append "script=/soak.sh" -initrd "$initrd" -drive "file=$tmp/swap.img,format=raw,index=0"
	if [ "$who" = mmulab ]; then
		"$mmulab" --max-insns 400000000000 "$@" "$kernel" >"$tmp/out" 2>&1 </dev/null
	elif [ -n "$qemu" ] && [ "${OSSOAK_QEMU:-0}" = 1 ]; then
		timeout 3600 "$qemu" -accel tcg -cpu max -kernel "$kernel" "$@" -serial stdio -display none \
			-no-reboot -monitor none -device isa-debug-exit,iobase=0xf4,iosize=4 >"$tmp/out" 2>&1 </dev/null
	elif [ -n "$qemu" ]; then
		echo "SKIP ossoak qemu (set OSSOAK_QEMU=1: over half an hour of TCG)"
		continue
	else
		echo "SKIP ossoak qemu (qemu-system-x86_64 not installed)"
		continue
	fi
	check "$who" "$tmp/out"
done
exit 0
