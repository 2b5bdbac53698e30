#!/bin/bash
# The merge step after slurm-infer.sh: sums the 16 partial confusion matrices into the metrics of
# the whole split, exactly those one unsharded `eader eval` prints (docs/cluster.md). Submit it with
# --dependency=afterok on the array job; it refuses a missing, repeated or foreign partial.
#SBATCH --job-name=eader-merge
#SBATCH --cpus-per-task=1
#SBATCH --mem=1G
#SBATCH --time=00:10:00
#SBATCH --output=eader-merge-%j.log
set -euo pipefail

OUT=${OUT:-masks/train2017}

eader eval --merge "$OUT"/eval-partials/*.json --json > "$OUT/eval.json"
eader eval --merge "$OUT"/eval-partials/*.json
