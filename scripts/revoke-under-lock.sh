#!/usr/bin/env bash
# The deploy pipeline's reviewed unlock step (README, "Day 2: revoke access"). Run by the deploy
# job of a stack, after its approval and before `pulumi up`, with the stack's deploy identity
# signed in (az) and the Pulumi CLI installed.
#
# Azure refuses to delete a role assignment or a diagnostic setting under a CanNotDelete lock
# (ScopeLocked), and the prod baseline keeps every vault locked. When this deploy deletes such a
# resource, the step lifts exactly the locks that cover it, runs those deletes alone, then restores
# exactly those locks (a refresh and an update targeted at the lock resources, so nothing else
# deploys unpreviewed while they are lifted) and checks in Azure that each is back, whatever
# happened in between; a lock that is not back fails the step, naming it. With nothing under a
# lock it does nothing.
#
#   bash scripts/revoke-under-lock.sh <stack> [policy pack args...]
set -euo pipefail
stack="${1:?usage: revoke-under-lock.sh <stack>}"
shift
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

pulumi preview --stack "$stack" --json "$@" >"$work/preview.json"
pulumi stack export --stack "$stack" >"$work/state.json"
npm run --silent locked-deletes -- --preview "$work/preview.json" --state "$work/state.json" \
  >"$work/locked.json"

mapfile -t locks < <(node -e 'for (const l of require(process.argv[1]).locks) console.log(l.id)' "$work/locked.json")
mapfile -t lock_urns < <(node -e 'for (const l of require(process.argv[1]).locks) console.log(l.urn)' "$work/locked.json")
mapfile -t targets < <(node -e 'for (const t of require(process.argv[1]).targets) console.log(t)' "$work/locked.json")
if [ "${#targets[@]}" -eq 0 ]; then
  echo "No delete under a CanNotDelete lock in this deploy."
  exit 0
fi

echo "Deletes under a CanNotDelete lock:"
printf '  %s\n' "${targets[@]}"
restore() {
  local status=$? failed=0
  # The lock resources are still in the program and in state; a refresh sees them gone from Azure
  # and the update recreates them. Targeted at the locks alone: the rest of the change set deploys
  # in the job's own, previewed `pulumi up`. Runs even when a delete failed.
  local lock_args=()
  for u in "${lock_urns[@]}"; do lock_args+=(--target "$u"); done
  echo "Restoring the locks (pulumi up --refresh, the locks alone)."
  pulumi up --stack "$stack" --refresh --yes --skip-preview "${lock_args[@]}" "$@" || failed=1
  for id in "${locks[@]}"; do
    if ! az lock show --ids "$id" >/dev/null; then
      echo "error: the lock $id is not back; re-create it before anything else deploys (pulumi up --target on its URN)." >&2
      failed=1
    fi
  done
  rm -rf "$work"
  if [ "$failed" -ne 0 ]; then exit 1; fi
  exit "$status"
}
trap 'restore "$@"' EXIT
for id in "${locks[@]}"; do
  echo "Lifting the lock $id"
  az lock delete --ids "$id"
done
target_args=()
for t in "${targets[@]}"; do target_args+=(--target "$t"); done
pulumi up --stack "$stack" --yes --skip-preview "${target_args[@]}" "$@"
