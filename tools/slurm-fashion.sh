#!/bin/sh
# The FashionMNIST protocol as a Slurm job array: one task per (seed, method, GLD-leading
# variant) job, every task writing its own result file into RESULTS (shared storage); tasks
# whose file exists return at once, and a task killed mid-run resumes from its last full record
# when resubmitted.
#
#   sbatch --array=0-39 tools/slurm-fashion.sh            # 5 seeds x 8 methods
#   DATASET=authors-code METHODS="gd gld-const gld-leading sgd" LEADING_DRAW=every,refresh \
#     sbatch --array=0-24 tools/slurm-fashion.sh          # 5 seeds x (4 methods + 1 variant)
#   sgd-escape fashion-summary results/fashion --format markdown
#
# LEADING_DRAW (every, refresh or every,refresh; default every) is GLD leading's variant:
# every = a draw every iteration (the paper's definition), refresh = a draw on the refresh
# iterations only (the authors' gld_lead.py). With every,refresh, gld-leading is two tasks.
#
# Stage 1 runs once per seed (the first task of a seed to get there writes the minimum into
# RESULTS; run `sgd-escape fashion --network NETWORK --dataset DATASET --seeds 0..4 --iters 1
# --methods gd --results RESULTS` first to make them up front and avoid two tasks computing
# the same minimum).
#SBATCH --job-name=sgd-escape-fashion
#SBATCH --cpus-per-task=1
#SBATCH --time=24:00:00
#SBATCH --output=slurm-fashion-%A_%a.log
set -eu
BIN=${BIN:-target/release/sgd-escape}
RESULTS=${RESULTS:-results/fashion}
NETWORK=${NETWORK:-cnn}
DATASET=${DATASET:-paper}
ITERS=${ITERS:-15000}
SEEDS=${SEEDS:-"0 1 2 3 4"}
METHODS=${METHODS:-"gd gld-const gld-dynamic gld-diag gld-leading gld-hessian gld-eigvec sgd"}
LEADING_DRAW=${LEADING_DRAW:-every}
task=${SLURM_ARRAY_TASK_ID:?run as a job array: sbatch --array=0-N}
i=0
for seed in $SEEDS; do
  for method in $METHODS; do
    # Only GLD leading has variants; the others run with the default.
    draws=every
    if [ "$method" = gld-leading ]; then
      draws=$(echo "$LEADING_DRAW" | tr ',' ' ')
    fi
    for draw in $draws; do
      if [ "$i" -eq "$task" ]; then
        exec "$BIN" fashion --network "$NETWORK" --dataset "$DATASET" --seeds "$seed" \
          --methods "$method" --gld-leading-draw "$draw" --iters "$ITERS" --log-every 1500 \
          --curve-every 100 --sharpness-every 500 --results "$RESULTS" --jobs 1 > /dev/null
      fi
      i=$((i + 1))
    done
  done
done
echo "task $task is beyond the $i (seed, method, variant) jobs" >&2
exit 1
