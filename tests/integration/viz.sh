#!/bin/sh
# Visualiser tier: -display png renders the panels headless, and
# vizcheck.c reads the PNGs back and checks them by content against the
# -d mmu trace and --stats JSON of the same run (frame map, TLB panel,
# walk panel), a walk and a frame asked for (walk=, frame=) against the
# trace, the A/D and heat overlays, IPIs against the -d ipi log, and
# the guest's reports (exits, OOM kills, shootdowns, counters) against
# what the guest says or was written to send, the MMU's map of CR3s loaded before
# the current one and the shootdown heuristic against a two-CPU guest
# (vizsmp.c) and its trace; -display's bad input and fall-backs are one
# clear line.
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

# A walk and a frame asked for, with the A/D overlay, then the heat
# overlay: the walk, the inspected frame's mapping and the overlay
# colours as the trace of the run above has them; and asking changes
# nothing (same trace, same statistics).
asked() {	# NAME
	name=$1 d="$tmp/$1" k="$build/guests/tests/$1.elf"
	set -- $("$check" --pick "$d/trace")
	if [ $# -ne 2 ]; then
		echo "FAIL viz asked-walk $name (no walk to pick in the trace)"
		return
	fi
	la=$1 pfn=$2
	mkdir -p "$d/asked"
	"$mmulab" -serial none -display "png:$d/asked,walk=0x$la,frame=0x$pfn,overlay=ad" \
		-d mmu -D "$d/asked/trace" --stats="$d/asked/s.json" "$k" >/dev/null 2>&1
	"$mmulab" -serial none -display "png:$d/heat,overlay=heat" "$k" >/dev/null 2>&1
	if cmp -s "$d/trace" "$d/asked/trace" && cmp -s "$d/s.json" "$d/asked/s.json"; then
		echo "PASS viz asking-changes-nothing $name"
	else
		echo "FAIL viz asking-changes-nothing $name"
	fi
	"$check" --walk "asked-walk $name" "$d/asked/final.png" "$d/trace" "$la"
	"$check" --frame "frame-inspector $name" "$d/asked/final.png" "$d/trace" "$la" "$pfn"
	"$check" --ad "ad-overlay $name" "$d/asked/final.png" "$d/trace" 32768 "$pfn"
	"$check" --heat "heat-overlay $name" "$d/heat/final.png" "$d/trace" 32768
}
asked paging
asked ptehuge

# IPIs: four vCPUs pass fixed IPIs around (guests/tests/smp.c); the
# shown vCPU's sent count is what the -d ipi log says it sent, and the
# last message of the log is the last event line and the latest arc.
mkdir -p "$tmp/smp"
"$mmulab" -serial none -smp 4 -d ipi -D "$tmp/smp/log" -display "png:$tmp/smp,cpu=1" \
	"$build/guests/tests/smp.elf" >/dev/null 2>&1
png="$tmp/smp/final.png"
sent=$(grep -c 'ipi: cpu 1 ICR' "$tmp/smp/log")
"$check" --text "ipi-counters" "$png" tlbside "IPIs sent $sent received"
# The last message: "cpu C ICR HI:LO (mode M, vector 0xVV, shorthand S)".
set -- $(tail -n 1 "$tmp/smp/log" | sed 's/.*cpu \([0-9]*\) ICR \(..\).*mode \([0-9]\), vector \(0x..\), shorthand \([0-9]\).*/\1 \2 \3 \4 \5/')
from=$1 to=$((0x$2)) mode=$3 vec=$4
[ "$5" = 1 ] && to=$from
if [ "$mode" = 0 ] && [ "$5" -le 1 ]; then
	"$check" --text "ipi-event" "$png" events "cpu$from IPI fixed vector $vec -> cpu$to"
	"$check" --arc "ipi-arc" "$png" 4 "$from" "$to"
else
	echo "FAIL viz ipi-event (the log's last IPI is not a fixed one to one CPU)"
fi

# Guest reports: vizguest.S names process 7 "hog", gives it 16 frames,
# reports its OOM kill and its death by signal 9, process 8 ("ok")
# exiting with code 3, and two shootdowns: cpu0 -> {1,3}, 5 pages, then
# cpu2 -> {0,1,3}, a full flush (the latter's arcs are the latest).
mkdir -p "$tmp/vg"
"$mmulab" -serial none -smp 4 -display "png:$tmp/vg" "$build/tests/integration/vizguest.elf" \
	>/dev/null 2>&1
png="$tmp/vg/final.png"
"$check" --text "guest-oom-kill" "$png" events "guest: OOM killer killed pid 7 (hog)"
"$check" --text "guest-killed" "$png" events "guest: pid 7 (hog) killed by signal 9"
"$check" --text "guest-exit" "$png" events "guest: pid 8 (ok) exited with status 3"
"$check" --text "guest-counts" "$png" legend "oom kills 1  signalled 1  exits 2"
"$check" --text "guest-process" "$png" processes "7 hog          16"
"$check" --text "guest-shootdown" "$png" events "shootdown cpu0 -> {1,3}: 5 pages"
"$check" --text "guest-shootdown-full" "$png" events "shootdown cpu2 -> {0,1,3}: full flush"
"$check" --text "guest-shootdown-count" "$png" tlbside "IPIs 0  shootdowns 2  likely 0"
for to in 0 1 3; do
	"$check" --arc "guest-shootdown-arc-$to" "$png" 4 2 $to shootdown
done
# Its counters (event 83H): the two ids it defines, the latest value of
# pgfault (123456789H, both halves of the value), nothing for id 12, in
# the order of the ids, on one line (four blanks: nothing follows).
"$check" --text "guest-counters" "$png" counters \
	"guest: nr_free_pages 12345  pgfault $((0x123456789))    "

# Two vCPUs (vizsmp.c).  The MMU's map: the CR3 the BSP loaded before its
# current one still colours its own tables and user pages, dim, as the
# trace's walks under it read them.  Shootdowns: of the IPIs the -d ipi
# log shows (each names one APIC, which accepts it), the likely ones are
# exactly those the guest says its handler flushed before EOI — not the
# reschedules followed by CR3 switches and reloads, not the flush after
# EOI, not the flush after the guest reported a shootdown itself.  The
# guest reports three, through the guest OS's ownership_report_shootdown():
# cpu0 -> {1} 1 page, cpu1 -> {0,40} a full flush, cpu0 -> {1} 1000000
# pages, which the port's 18-bit field carries as its largest count,
# 3FFFEH = 262142 (devices/ownership.h); the last one's arc is the latest.
d="$tmp/smp2"
mkdir -p "$d"
"$mmulab" -serial stdio -smp 2 -d mmu,ipi -D "$d/trace" --max-insns 100000000 \
	-display "png:$d" "$build/tests/integration/vizsmp.elf" >"$d/out" 2>/dev/null
s=$?
if [ $s -eq 1 ] && grep -q '^# 7 passed, 0 failed' "$d/out"; then
	echo "PASS viz vizsmp-runs"
else
	echo "FAIL viz vizsmp-runs (status $s)"
fi
png="$d/final.png"
"$check" --recent "recent-cr3-map vizsmp" "$png" "$d/trace" 32768 0
"$check" --text "recent-cr3-legend vizsmp" "$png" legend "MMU's view: cpu0 CR3 + 1 recent"
# The same run, but the guest reports B's root frame free at the end: B
# is no longer read, none of its frames is dim.
mkdir -p "$d/freeb"
"$mmulab" -serial none -smp 2 -d mmu -D "$d/freeb/trace" --max-insns 100000000 \
	-append freeb=1 -display "png:$d/freeb" "$build/tests/integration/vizsmp.elf" \
	>/dev/null 2>&1
"$check" --recent "recent-cr3-dropped vizsmp" "$d/freeb/final.png" "$d/freeb/trace" 32768 0 dropped
"$check" --text "recent-cr3-dropped-legend vizsmp" "$d/freeb/final.png" legend \
	"MMU's view: cpu0 CR3 + 0 recent"
ipis=$(grep -c ' ipi: cpu [0-9]* ICR' "$d/trace")
likely=$(sed -n 's/^# IPIs whose handler flushed before EOI: \([0-9]*\)$/\1/p' "$d/out")
"$check" --text "likely-shootdown-count" "$png" tlbside "IPIs $ipis  shootdowns 3  likely $likely"
"$check" --text "likely-shootdown-event" "$png" events \
	"cpu1 likely shootdown: in the handler of IPI 0x51 from cpu0, invlpg"
"$check" --text "reported-shootdown-event" "$png" events "shootdown cpu0 -> {1}: 1 page"
"$check" --text "reported-shootdown-full" "$png" events "shootdown cpu1 -> {0,40}: full flush"
"$check" --text "reported-shootdown-most" "$png" events "shootdown cpu0 -> {1}: $((0x3fffe)) pages"
"$check" --arc "reported-shootdown-arc" "$png" 2 0 1 shootdown

# The guest OS's demo (make run): each "segfault at" report is a process
# killed by SIGSEGV, the demo has no OOM kill, and init's exit status is
# the one it prints.
os="$build/guests/os"
mkdir -p "$tmp/demo"
"$mmulab" -serial stdio -m 128 -initrd "$os/initrd.cpio" -append script=/demo.sh \
	-display "png:$tmp/demo" "$os/kernel.bin" >"$tmp/demo/out" 2>/dev/null
segv=$(grep -c 'segfault at' "$tmp/demo/out")
st=$(sed -n 's/^init: exited with status \([0-9]*\)$/\1/p' "$tmp/demo/out")
if [ -n "$st" ] && [ "$segv" -gt 0 ]; then
	"$check" --text "os-signalled" "$tmp/demo/final.png" legend "oom kills 0  signalled $segv  exits "
	"$check" --text "os-init-exit" "$tmp/demo/final.png" events "guest: pid 1 (init) exited with status $st"
	# init's do_exit reports the counters after its last fault, and
	# the power-off line "vmstat: pgfault N ..." counts the same faults.
	pgf=$(sed -n 's/^vmstat: pgfault \([0-9]*\) .*/\1/p' "$tmp/demo/out")
	"$check" --text "os-counters-pgfault" "$tmp/demo/final.png" counters "  pgfault ${pgf:-none}  "
else
	echo "FAIL viz os-signalled (the demo printed no segfault or no init exit)"
fi

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
for bad in "png:$tmp/p3,frame=0x8000" "png:$tmp/p3,cpu=1" "png:$tmp/p3,overlay=x" "sdl,every=5"; do
	"$mmulab" -display "$bad" "$k" >/dev/null 2>"$tmp/err"
	s=$?
	if [ $s -eq 2 ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] && grep -q "^mmulab: -display " "$tmp/err"; then
		echo "PASS viz bad-display-option $bad"
	else
		echo "FAIL viz bad-display-option $bad (status $s)"
		cat "$tmp/err"
	fi
done
# No display: one line, and the run goes on headless to the same end.
DISPLAY= WAYLAND_DISPLAY= "$mmulab" -display sdl "$k" >"$tmp/sdl.out" 2>"$tmp/err"
s=$?
if [ $s -eq 1 ] && grep -q '^mmulab: -display sdl: no display' "$tmp/err" &&
   cmp -s "$tmp/none.out" "$tmp/sdl.out"; then
	echo "PASS viz sdl-no-display-falls-back"
else
	echo "FAIL viz sdl-no-display-falls-back (status $s)"
fi
