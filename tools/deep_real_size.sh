#!/usr/bin/env bash
# Developers only: PreResNet-164 through train, connect, eval-curve and plane on a 10,000-image CIFAR-10-format data
# set at batch 128, then WRN-28-10 for three training steps at batch 64, each command's peak resident memory (GNU time's "Maximum resident set size") beside PyTorch's peak
# for a training step and an evaluation pass of the same network and batch (tools/memory_vs_pytorch.py). Needs Debian's python3-torch; takes about an hour and a half on 2 cores.
# Usage: [SUBSET=N] tools/deep_real_size.sh WORKDIR   (writes WORKDIR/deep_real_size.md and the runs under WORKDIR)
set -euo pipefail
work=${1:?usage: tools/deep_real_size.sh WORKDIR}
bn=${BN_BATCHES:-2}
subset=${SUBSET:-0} # e.g. SUBSET=1024: train (and so every later command) on the first N images, minutes instead of hours
mkdir -p "$work"
[ -d "$work/data/cifar-10-batches-bin" ] || /usr/bin/python3 tools/write_cifar_like.py "$work/data" --train 10000 --test 1000
export ISTHMUS_DATA="$work/data"
report="$work/deep_real_size.md"
peak() { # command name, then the isthmus arguments; prints the peak in MB
  local name=$1; shift
  /usr/bin/time -v -o "$work/$name.time" ./isthmus "$@" -q > "$work/$name.log" 2>&1
  awk '/Maximum resident/ {printf "%.0f", $6 / 1024}' "$work/$name.time"
}
secs() { awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$work/$1.time"; }
echo "| command (PreResNet-164 unless named, 10,000 images, batch 128) | wall time | peak resident MB |" > "$report"
echo "|---|---|---|" >> "$report"
row() { echo "| \`$2\` | $(secs "$1") | $3 |" >> "$report"; }
m=$(peak train-a train --data cifar10 --model preresnet164 --epochs 1 --batch-size 128 --subset "$subset" --seed 1 --out "$work/a" --force); row train-a "train --seed 1" "$m"
m=$(peak train-b train --data cifar10 --model preresnet164 --epochs 1 --batch-size 128 --subset "$subset" --seed 2 --out "$work/b" --force); row train-b "train --seed 2" "$m"
m=$(peak connect connect --from "$work/a" --to "$work/b" --curve bezier --epochs 1 --batch-size 128 --out "$work/ab" --force); row connect "connect --curve bezier --epochs 1" "$m"
m=$(peak eval-curve eval-curve --run "$work/ab" --points 5 --bn-batches "$bn"); row eval-curve "eval-curve --points 5 --bn-batches $bn" "$m"
m=$(peak plane plane --run "$work/ab" --grid 3 --bn-batches "$bn"); row plane "plane --grid 3 --bn-batches $bn" "$m"
m=$(peak wrn train --data cifar10 --model wrn28x10 --epochs 1 --batch-size 64 --subset 192 --seed 1 --out "$work/wrn" --force); row wrn "train --model wrn28x10 --batch-size 64 --subset 192 (3 steps)" "$m"
echo >> "$report"
/usr/bin/python3 tools/memory_vs_pytorch.py --only preresnet164 --batch-size 128 --eval-batch-size 1000 --steps 2 --threads "$(nproc)" >> "$report"
/usr/bin/python3 tools/memory_vs_pytorch.py --only wrn28x10 --eval-batch-size 409 --steps 2 --threads "$(nproc)" | tail -n 1 >> "$report"
cat "$report"
