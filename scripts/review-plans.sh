#!/usr/bin/env bash
# The pull request's change review, offline: plans every committed stack on the base ref (in a git
# worktree with its own `npm ci`) and on the head with `--compare` against the base, both on the
# same day so expiry dates never show as changes. Writes reports/<stack>.{json,md,txt},
# reports/base/<stack>.json and reports/review.md (the step summary and the pull request comment).
# Needs no credentials and reads no secret value. Exits 1 when a head plan has a mandatory finding
# (or fails), after every report is written.
#
# usage: scripts/review-plans.sh <base-ref> [YYYY-MM-DD]
# shellcheck disable=SC2016,SC2317 # node -e takes a literal script; cleanup runs from the trap
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

base_ref="${1:?usage: scripts/review-plans.sh <base-ref> [YYYY-MM-DD]}"
day="${2:-$(date -u +%F)}"
[[ "$day" =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}$ ]] || {
  echo "error: the day must be YYYY-MM-DD" >&2
  exit 2
}
root="$PWD"
reports="${root}/reports"
mkdir -p "${reports}/base"

work="$(mktemp -d)"
base_dir="${work}/base"
git worktree add --detach "$base_dir" "$base_ref" >/dev/null
cleanup() {
  git -C "$root" worktree remove --force "$base_dir" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

echo "--- base ${base_ref}: npm ci"
(cd "$base_dir" && npm ci --no-audit --no-fund --ignore-scripts >/dev/null)

# Counts for the summary line, read from the head's JSON report (contract 5 and 7 fields).
summarize() {
  node -e '
    const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    const s = r.summary;
    const parts = [
      `${s.resources} resources`,
      `${s.policyViolations.mandatory} mandatory / ${s.policyViolations.advisory} advisory findings`,
    ];
    if (r.comparison && Array.isArray(r.comparison.changes)) parts.push(`${r.comparison.changes.length} changes`);
    console.log(parts.join(", "));
  ' "$1"
}

status=0
{
  echo "<!-- keyvault-estate:plan-review -->"
  echo "## Offline plan review"
  echo
  echo "Base \`$(git -C "$base_dir" rev-parse --short HEAD)\`, head \`$(git rev-parse --short HEAD)\`, planned on ${day} (no cloud access; secret values never read)."
  echo
} >"${reports}/review.md"

# The organisation's own Azure Policy, exported by .github/workflows/azure-policy-refresh.yml: each
# tree is planned under its own export, so a change the policy would deny shows as a new finding.
azure_policy() {
  local dir="$1/policy/azure-policy-export"
  if compgen -G "${dir}/*.json" >/dev/null; then
    echo "--azure-policy" "policy/azure-policy-export"
  fi
}
read -r -a head_policy <<<"$(azure_policy "$root")"
read -r -a base_policy <<<"$(azure_policy "$base_dir")"

for file in Pulumi.*.yaml; do
  stack="${file#Pulumi.}"
  stack="${stack%.yaml}"
  base_json="${reports}/base/${stack}.json"
  rm -f "$base_json"
  base_note="base: no such stack"
  if [[ -f "${base_dir}/${file}" ]]; then
    echo "--- base plan: ${stack}"
    set +e
    (cd "$base_dir" && npm run --silent plan -- --stack "$stack" --json "$base_json" --now "$day" \
      "${base_policy[@]}") \
      >"${reports}/base/${stack}.txt" 2>&1
    base_rc=$?
    set -e
    # Exit 1 still writes the report (the base has a mandatory finding); 2 and 3 do not.
    if [[ -f "$base_json" ]]; then
      base_note="compared with the base"
    else
      base_note="base plan failed (exit ${base_rc}); no comparison"
    fi
  fi
  compare=()
  [[ -f "$base_json" ]] && compare=(--compare "$base_json")

  echo "--- head plan: ${stack}"
  set +e
  npm run --silent plan -- --stack "$stack" --json "${reports}/${stack}.json" \
    --markdown "${reports}/${stack}.md" --now "$day" "${compare[@]}" "${head_policy[@]}" \
    >"${reports}/${stack}.txt" 2>&1
  rc=$?
  set -e
  cat "${reports}/${stack}.txt"

  case "$rc" in
    0) verdict="ok" ;;
    1) verdict="mandatory finding" ;;
    *) verdict="plan failed (exit ${rc})" ;;
  esac
  ((rc == 0)) || status=1
  {
    if [[ -f "${reports}/${stack}.json" ]]; then
      echo "### \`${stack}\`: ${verdict} — $(summarize "${reports}/${stack}.json"); ${base_note}"
    else
      echo "### \`${stack}\`: ${verdict}; ${base_note}"
    fi
    echo
    echo "<details><summary>${stack} report</summary>"
    echo
    if [[ -f "${reports}/${stack}.md" ]]; then
      cat "${reports}/${stack}.md"
    else
      echo '```'
      cat "${reports}/${stack}.txt"
      echo '```'
    fi
    echo
    echo "</details>"
    echo
  } >>"${reports}/review.md"
done

exit "$status"
