#!/bin/sh
# Visualiser tier: -display png renders the panels headless, and
# vizcheck.c reads the PNGs back and checks them by content against the
# -d mmu trace and --stats JSON of the same run (frame map, TLB panel,
# walk panel); -display's bad input and fall-backs are one clear line.
#   PASS|FAIL viz ...
build="$1"
mmulab="$build/mmulab"
check="$build/tests/integration/vizcheck"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

run() {	# NAME GUESTREPORTS KERNEL ARGS...
	name=$1 guest=$2 k=$3
	shift 3
	mkdir -p "$tmp/$name"
	"$mmulab" -serial none -display "png:$tmp/$name,every=5" -d mmu -D "$tmp/$name/trace" \
		--stats="$tmp/$name/s.json" "$@" "$k" >/dev/null 2>"$tmp/$name/err"
	if [ -s "$tmp/$name/final.png" ] && grep -q "snapshots in $tmp/$name" "$tmp/$name/err"; then
		echo "PASS viz png-written $name"
	else
		echo "FAIL viz png-written $name"
		head -3 "$tmp/$name/err" | sed 's/^/    /'
		return
	fi
	"$check" "$tmp/$name/final.png" "$tmp/$name/s.json" "$tmp/$name/trace" 32768 "$guest" |
		sed "s/^\(PASS\|FAIL\) viz \([^ ]*\)/\1 viz \2 $name/"
}

run paging 0 "$build/guests/tests/paging.elf"
run ptehuge 0 "$build/guests/tests/ptehuge.elf"
run os 1 "$build/guests/os/kernel.bin" --max-insns 2000000000

# The display only reads: the same run gives the same statistics.
k="$build/guests/tests/paging.elf"
"$mmulab" --stats="$tmp/none.json" "$k" >"$tmp/none.out" 2>/dev/null
"$mmulab" --stats="$tmp/png.json" -display "png:$tmp/p2" "$k" >"$tmp/png.out" 2>/dev/null
if cmp -s "$tmp/none.json" "$tmp/png.json" && cmp -s "$tmp/none.out" "$tmp/png.out"; then
	echo "PASS viz same-run-with-display"
else
	echo "FAIL viz same-run-with-display"
fi

# An unwritable directory: one "mmulab: " line, status 2.
: >"$tmp/file"
"$mmulab" -display "png:$tmp/file/sub" "$k" >/dev/null 2>"$tmp/err"
s=$?
if [ $s -eq 2 ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] && grep -q '^mmulab: -display png:' "$tmp/err"; then
	echo "PASS viz unwritable-dir"
else
	echo "FAIL viz unwritable-dir (status $s)"
	cat "$tmp/err"
fi
"$mmulab" -display bogus "$k" >/dev/null 2>"$tmp/err"
s=$?
if [ $s -eq 2 ] && grep -q '^mmulab: -display bogus: expected' "$tmp/err"; then
	echo "PASS viz bad-display"
else
	echo "FAIL viz bad-display (status $s)"
fi
# No display: one line, and the run goes on headless to the same end.
DISPLAY= WAYLAND_DISPLAY= "$mmulab" -display sdl "$k" >"$tmp/sdl.out" 2>"$tmp/err"
s=$?
if [ $s -eq 1 ] && grep -q '^mmulab: -display sdl: no display' "$tmp/err" &&
   cmp -s "$tmp/none.out" "$tmp/sdl.out"; then
	echo "PASS viz sdl-no-display-falls-back"
else
	echo "FAIL viz sdl-no-display-falls-back (status $s)"
fi
