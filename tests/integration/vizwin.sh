#!/bin/sh
# Visualiser window tier: the real SDL window under Xvfb, which this
# script starts on a display number Xvfb picks itself (-displayfd), driven
# with xdotool like a user: help, single steps while paused, run to the
# end (hold keeps the window), an address typed for a walk, the pointer
# on a frame, the A/D overlay key.  After each step F12 saves what the
# window shows, and vizcheck reads it back: the title's instruction
# count after N steps, the help box, the walk and the frame inspector
# against the -d mmu trace of the same run.  SKIP when Xvfb or xdotool is
# missing or Xvfb cannot start.
#   PASS|FAIL|SKIP viz window ...
build="$1"
mmulab="$build/mmulab"
check="$build/tests/integration/vizcheck"
k="$build/guests/tests/paging.elf"
if ! command -v Xvfb >/dev/null 2>&1 || ! command -v xdotool >/dev/null 2>&1; then
	echo "SKIP viz window (no Xvfb or xdotool: Debian packages xvfb, xdotool)"
	exit 0
fi
tmp=$(mktemp -d)
xpid= mpid=
trap 'kill $mpid $xpid 2>/dev/null; wait 2>/dev/null; rm -rf "$tmp"' EXIT

# Wait (up to about ten seconds) for `cmd` to succeed.
await() {
	i=0
	while ! eval "$1"; do
		i=$((i + 1))
		[ $i -ge 100 ] && return 1
		sleep 0.1
	done
}

Xvfb -displayfd 3 -screen 0 1280x800x24 -nolisten tcp 3>"$tmp/dpy" >"$tmp/xvfb.log" 2>&1 &
xpid=$!
if ! await '[ -s "$tmp/dpy" ]'; then
	echo "SKIP viz window (Xvfb did not start: $(head -n 1 "$tmp/xvfb.log"))"
	exit 0
fi
DISPLAY=":$(cat "$tmp/dpy")"
export DISPLAY

"$mmulab" -serial none -display "sdl,paused,hold,shots=$tmp" -d mmu -D "$tmp/trace" \
	--max-insns 10000000 "$k" >/dev/null 2>"$tmp/err" &
mpid=$!
wid=$(timeout 10 xdotool search --sync --onlyvisible --name '^mmulab$' 2>/dev/null | head -n 1)
if [ -z "$wid" ]; then
	echo "FAIL viz window opens"
	cat "$tmp/err"
	exit 0
fi
echo "PASS viz window opens"
xdotool windowfocus --sync "$wid" 2>/dev/null

shots=0
shot() {	# press F12, wait for the file
	xdotool key F12
	if await 'grep -q "screenshot $tmp/shot-$shots.png" "$tmp/err"'; then
		png="$tmp/shot-$shots.png"
	else
		png="$tmp/missing.png"
	fi
	shots=$((shots + 1))
}

# Paused at the start: no instruction has run; h shows the help.
xdotool key h
shot
"$check" --text "window paused-at-start" "$png" title "mmulab   cpu0 of 1   0 instructions"
"$check" --text "window paused-title" "$png" title "mmulab   cpu0 of 1   0 instructions   virtual time 0.000000 s   PAUSED"
"$check" --text "window help-key" "$png" help "keys"

# h again hides it; three single steps run three instructions.
xdotool key h s s s
shot
"$check" --text "window three-steps" "$png" title "mmulab   cpu0 of 1   3 instructions"
if "$check" --text "help-gone" "$png" help "keys" | grep -q '^PASS'; then
	echo "FAIL viz window help-key-hides"
else
	echo "PASS viz window help-key-hides"
fi

# Space runs to the end; the window stays (hold).
xdotool key space
if await 'grep -q "the run ended" "$tmp/err"'; then
	echo "PASS viz window runs-to-the-end"
else
	echo "FAIL viz window runs-to-the-end"
fi

# A walk typed: w, the address, Enter; the frame under the pointer; the
# overlay key twice (MMU's view, heat, A/D bits).
set -- $("$check" --pick "$tmp/trace")
la=$1 pfn=$2
xdotool key w
xdotool type --delay 30 "$la"
xdotool key Return
set -- $("$check" --cell 32768 "$pfn")
xdotool mousemove --window "$wid" "$1" "$2"
xdotool key o o
shot
"$check" --text "window title-ended" "$png" title "mmulab   cpu0 of 1"
"$check" --walk "window typed-walk" "$png" "$tmp/trace" "$la"
"$check" --frame "window pointed-frame" "$png" "$tmp/trace" "$la" "$pfn"
"$check" --ad "window ad-overlay-key" "$png" "$tmp/trace" 32768 "$pfn"

# q closes the window and the run ends as the guest did (status 1).
xdotool key q
wait "$mpid"
s=$?
mpid=
if [ $s -eq 1 ]; then
	echo "PASS viz window q-closes"
else
	echo "FAIL viz window q-closes (status $s)"
	cat "$tmp/err"
fi
