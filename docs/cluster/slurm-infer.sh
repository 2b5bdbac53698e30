#!/bin/bash
# EADER Workbench on a Slurm cluster: pseudo-masks of a whole split in 16 array tasks, each one
# shard of the split's images sorted by id (docs/cluster.md). Each task also writes the partial
# confusion matrix of its shard; slurm-merge.sh sums them once every task is done:
#
#   jid=$(sbatch --parsable docs/cluster/slurm-infer.sh)
#   sbatch --dependency=afterok:$jid docs/cluster/slurm-merge.sh
#
# Set RUN, DATASET, SPLIT and OUT in the environment (sbatch passes it on) or edit the defaults.
# Keep SHARDS equal to the size of --array. A task that fails can be resubmitted alone
# (sbatch --array=7 docs/cluster/slurm-infer.sh): it rewrites only its own shard's files.
#SBATCH --job-name=eader-infer
#SBATCH --array=1-16
#SBATCH --cpus-per-task=4
#SBATCH --mem=8G
#SBATCH --time=04:00:00
#SBATCH --output=eader-infer-%A_%a.log
set -euo pipefail

RUN=${RUN:-runs/coco-train2017}
DATASET=${DATASET:-/data/coco/annotations/instances_train2017.json}
SPLIT=${SPLIT:-train2017}
OUT=${OUT:-masks/train2017}
SHARDS=16
SHARD="$SLURM_ARRAY_TASK_ID/$SHARDS"

eader infer --run "$RUN" --dataset "$DATASET" --split "$SPLIT" --out "$OUT" --shard "$SHARD"
eader eval --pred "$OUT" --dataset "$DATASET" --split "$SPLIT" --shard "$SHARD" --partial "$OUT/eval-partials/$SLURM_ARRAY_TASK_ID.json"
