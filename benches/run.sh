#!/usr/bin/env bash
# The benchmark: sandogh per stage against the Python yardstick and the bare read floor, on the
# same files, in one run. Never part of CI (it takes minutes and needs a quiet machine).
#
#   benches/run.sh [--scale S] [--work DIR] [--sample] [--no-python] [--repeat N]
#
# --scale S    the yardstick's scale (gen_scale.py; default 1: 9 workbooks, ~53 MB, ~2M rows)
# --work DIR   where inputs and outputs go (default target/bench)
# --sample     benchmark the messy sample province (`sandogh sample-data --scale S`) instead
# --no-python  sandogh alone, even when Python with polars and fastexcel is there
# --repeat N   run every measured command N times (default 3) and keep its fastest run
#
# Needs a release build (made here) and, for the clean inputs and the yardstick, Python with
# polars, fastexcel, xlsxwriter, numpy and jdatetime (pip install polars fastexcel xlsxwriter numpy
# jdatetime). Prints, per stage: wall time, rows/s, MB/s of input and peak RSS; then the ratios.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
scale=1 work="$root/target/bench" sample=0 python=1 repeat=3
while [ $# -gt 0 ]; do
  case "$1" in
    --scale) scale=$2; shift 2 ;;
    --work) work=$2; shift 2 ;;
    --sample) sample=1; shift ;;
    --no-python) python=0; shift ;;
    --repeat) repeat=$2; shift 2 ;;
    *) echo "unknown argument $1 (see the top of $0)"; exit 2 ;;
  esac
done
bench_py="$root/../shared/bench"
have_py=0
if [ "$python" = 1 ] && python3 -c 'import polars, fastexcel, xlsxwriter, numpy, jdatetime' 2>/dev/null \
   && [ -f "$bench_py/peer_pipeline.py" ]; then have_py=1; fi
mkdir -p "$work"
cargo build --release --quiet --bin sandogh --example read_floor
bin="$root/target/release/sandogh"

if [ "$sample" = 1 ]; then
  input="$work/sample-$scale"
  [ -d "$input" ] || "$bin" sample-data --out "$input" --scale "$scale" >/dev/null
else
  input="$work/inputs-$scale"
  if [ ! -d "$input" ]; then
    if [ ! -f "$bench_py/gen_scale.py" ] || ! python3 -c 'import polars, numpy, xlsxwriter' 2>/dev/null; then
      echo "the clean inputs need ../shared/bench/gen_scale.py and Python with polars, numpy and xlsxwriter; or use --sample"
      exit 2
    fi
    python3 "$bench_py/gen_scale.py" --out "$input" --scale "$scale" >/dev/null
  fi
fi
mb=$(du -sbL "$input" | awk '{printf "%.1f", $1/1e6}')

# measure NAME CMD...: runs CMD under /usr/bin/time -v, $repeat times; keeps the fastest run's
# seconds and its peak RSS (MiB). A stage that writes an output folder overwrites it each time.
declare -A secs rss
measure() {
  local name=$1; shift
  local log="$work/$name.time" best="" best_rss=""
  for _ in $(seq "$repeat"); do
    set +e
    /usr/bin/time -v "$@" >"$work/$name.out" 2>"$log"
    local code=$?
    set -e
    if [ "$code" -ne 0 ] && [ "$code" -ne 3 ]; then
      echo "$name failed (exit $code):"; tail -5 "$work/$name.out" "$log"; exit 1
    fi
    local t m
    t=$(awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,t,":"); s=0; for(i=1;i<=n;i++) s=s*60+t[i]; print s}' "$log")
    m=$(awk -F': ' '/Maximum resident set size/ {printf "%.0f", $2/1024}' "$log")
    if [ -z "$best" ] || awk -v a="$t" -v b="$best" 'BEGIN{exit !(a<b)}'; then best=$t best_rss=$m; fi
  done
  secs[$name]=$best
  rss[$name]=$best_rss
}

out="$work/out-$scale"
rm -rf "$out" "$work/read_floor_rust.out"
measure ingest "$bin" ingest --input "$input" --out "$out"
measure indicators "$bin" indicators --out "$out"
measure report "$bin" report --out "$out"
measure run "$bin" run --input "$input" --out "$out"
rows=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['totals']['rows_read'])" "$out/lake/ingest-report.json" 2>/dev/null || echo 0)

if [ "$have_py" = 1 ] && [ "$sample" = 0 ]; then
  rm -rf "$work/peer-$scale"
  measure yardstick python3 "$bench_py/peer_pipeline.py" --input "$input" --out "$work/peer-$scale" --quarter 1403Q2
  measure read_floor python3 "$bench_py/read_floor.py" --input "$input" --mode threads
fi

if [ "$sample" = 0 ]; then
  "$root/target/release/examples/read_floor" "$input" >"$work/read_floor_rust.out"
fi

printf '\ninputs: %s (%s MB, %s rows read)\n' "$input" "$mb" "$rows"
printf '%-12s %9s %12s %9s %10s\n' stage seconds rows/s MB/s "peak MiB"
for s in ingest indicators report run yardstick read_floor; do
  [ -n "${secs[$s]:-}" ] || continue
  awk -v s="$s" -v t="${secs[$s]}" -v r="$rows" -v mb="$mb" -v m="${rss[$s]}" \
    'BEGIN { printf "%-12s %9.2f %12.0f %9.1f %10s\n", s, t, (t>0? r/t:0), (t>0? mb/t:0), m }'
done
if [ -n "${secs[yardstick]:-}" ]; then
  awk -v a="${secs[run]}" -v b="${secs[yardstick]}" -v ra="${rss[run]}" -v rb="${rss[yardstick]}" \
      -v i="${secs[ingest]}" -v f="${secs[read_floor]}" \
    'BEGIN { printf "\nrun / yardstick: time %.2f, peak RSS %.2f;  ingest / read floor: %.2f\n", a/b, ra/rb, i/f }'
  echo "yardstick stages:"; grep -F '[time]' "$work/yardstick.out" || cat "$work/yardstick.out"
fi
if [ -s "$work/read_floor_rust.out" ]; then
  echo "read floor in Rust (examples/read_floor.rs, one run):"; sed 's/^/  /' "$work/read_floor_rust.out"
fi
echo "sandogh steps:"
grep -h '^ *time:' "$work/ingest.out" "$work/indicators.out" | sed 's/^ */  /' || true
