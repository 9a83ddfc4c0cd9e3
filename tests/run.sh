#!/bin/sh
# Runs every test executable in $BUILD/tests and prints the closing line "N passed, N failed".
BUILD=${BUILD:-build}
cd "$(dirname "$0")/.." || exit 1
pass=0; fail=0; bad=""
for t in "$BUILD"/tests/test_*; do
  case "$t" in *.o|*.d) continue;; esac
  [ -x "$t" ] || continue
  echo "== $(basename "$t")"
  out=$("$t" 2>&1); rc=$?
  printf '%s\n' "$out" | grep -v '^ok ' | grep -v 'passed, .* failed$'
  line=$(printf '%s\n' "$out" | grep -E '^[0-9]+ passed, [0-9]+ failed$' | tail -n 1)
  if [ -n "$line" ]; then
    p=${line%% passed*}; f=${line#*passed, }; f=${f%% failed}
    pass=$((pass + p)); fail=$((fail + f))
    echo "   $line"
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then fail=$((fail + 1)); bad="$bad $(basename "$t")"; fi
  else
    echo "   crashed or no summary (exit $rc)"; fail=$((fail + 1)); bad="$bad $(basename "$t")"
  fi
done
[ -n "$bad" ] && echo "broken:$bad"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
