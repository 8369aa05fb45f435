#!/usr/bin/env bash
# The install-plans lab, on the registry your npm configuration names: does
# what `callboard solve --apply` plans survive `npm install`?
#
#   benchmarks/install_plans_lab.sh <callboard binary> [db] [plugin...]
#
# Apps: examples/sample-app as it is (Backstage 1.31.0, caret ranges), and the
# same app moved to 1.46.2 and to 1.53.0 as `backstage-cli versions:bump`
# moves it (every @backstage package the release ships at ^<its version>,
# better-sqlite3 at ^12 as backend-defaults 0.14+ asks; backstage.json says
# the release). Plugins: the arguments, or a default set of twelve
# (backend plugins, backend modules, frontend plugins from @backstage,
# @backstage-community and @roadiehq). For each (app, plugin): solve --apply
# (timed), then `npm install --package-lock-only --ignore-scripts` (timed),
# then `callboard check`. Prints one line per case and a summary: plans,
# refusals ("no versions fit", with the first line of why), matches, and the
# median times. <db> (default: a temporary one) is indexed first with
# `callboard index` unless it already holds packages.
#
# LAB_SOLVE_ARGS: more `solve` options ("--release-pins compatible").
# LAB_PM=pnpm: the apps are pnpm apps (packageManager field,
# pnpm-workspace.yaml) and `pnpm install --lockfile-only` (the repository's
# pnpm, from npm ci) installs them; default npm.
# LAB_RELEASES: the app releases to try (default "1.31.0 1.46.2 1.53.0").
# LAB_APP=backend: the apps without their frontend package (packages/app and
# the backend's link to it), and only the backend plugins of the list: on a
# registry that serves only recent frontend versions, the frontend half of
# the sample app cannot be installed on older releases at all.
set -uo pipefail
cli=$(realpath "${1:?usage: $0 <callboard binary> [db] [plugin...]}")
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
db=${2:-sqlite:$tmp/lab.db}
shift $(( $# >= 2 ? 2 : $# ))
plugins=("$@")
pm=${LAB_PM:-npm}
app_kind=${LAB_APP:-full}
read -r -a solve_args <<<"${LAB_SOLVE_ARGS:-}"
pnpm_js="$repo/node_modules/pnpm/bin/pnpm.cjs"
if [[ $pm == pnpm && ! -f $pnpm_js ]]; then echo "lab: LAB_PM=pnpm needs npm ci at the repository root" >&2; exit 1; fi
if [[ $pm != npm && $pm != pnpm ]]; then echo "lab: LAB_PM is npm or pnpm" >&2; exit 1; fi
if [[ ${#plugins[@]} -eq 0 ]]; then
  plugins=(
    @backstage/plugin-catalog-backend-module-github
    @backstage/plugin-notifications-backend
    @backstage/plugin-kubernetes-backend
    @backstage/plugin-home
    @backstage-community/plugin-jenkins-backend
    @backstage-community/plugin-jenkins
    @backstage-community/plugin-sonarqube-backend
    @backstage-community/plugin-tech-insights-backend
    @roadiehq/backstage-plugin-argo-cd
    @roadiehq/backstage-plugin-argo-cd-backend
    @roadiehq/scaffolder-backend-module-utils
    @roadiehq/catalog-backend-module-aws
  )
fi

if [[ $app_kind == backend ]]; then
  kept=()
  for p in "${plugins[@]}"; do [[ $p == *backend* ]] && kept+=("$p"); done
  plugins=("${kept[@]}")
fi

if ! "$cli" search --db "$db" --json --limit 1 '' 2>/dev/null | grep -q '"id"'; then
  echo "indexing into $db ..." >&2
  "$cli" index --db "$db" --quiet >/dev/null || { echo "lab: callboard index failed" >&2; exit 1; }
fi

# The apps.
make_app() {  # name release|"" -> folder
  local dir="$tmp/apps/$1"
  mkdir -p "$tmp/apps"
  cp -r "$repo/examples/sample-app" "$dir"
  rm -rf "$dir/node_modules" "$dir/package-lock.json" "$dir/.callboard"
  if [[ $app_kind == backend ]]; then
    rm -rf "$dir/packages/app"
    node -e 'const fs=require("fs"); const f=process.argv[1]; const p=JSON.parse(fs.readFileSync(f,"utf8")); delete p.dependencies.app; fs.writeFileSync(f, JSON.stringify(p,null,2)+"\n")' \
      "$dir/packages/backend/package.json"
  fi
  if [[ -n "$2" ]]; then
    node - "$dir" "$repo/data/releases/$2.json" <<'EOF'
const fs = require('fs'), path = require('path');
const [dir, releaseFile] = process.argv.slice(2);
const release = JSON.parse(fs.readFileSync(releaseFile, 'utf8'));
const pins = Object.fromEntries(release.packages.map((p) => [p.name, p.version]));
const files = [path.join(dir, 'package.json')];
for (const ws of ['packages', 'plugins']) {
  const d = path.join(dir, ws);
  if (!fs.existsSync(d)) continue;
  for (const e of fs.readdirSync(d)) {
    const f = path.join(d, e, 'package.json');
    if (fs.existsSync(f)) files.push(f);
  }
}
for (const f of files) {
  const pkg = JSON.parse(fs.readFileSync(f, 'utf8'));
  for (const field of ['dependencies', 'devDependencies']) {
    for (const name of Object.keys(pkg[field] ?? {})) {
      if (pins[name]) pkg[field][name] = '^' + pins[name];
      else if (name.startsWith('@backstage/') && field === 'dependencies') delete pkg[field][name];  // dropped by the release
    }
  }
  // What the upgrade notes of those releases ask for: backend-defaults
  // (0.14 and later) peers better-sqlite3 ^12.
  if (pkg.dependencies?.['better-sqlite3']) pkg.dependencies['better-sqlite3'] = '^12.0.0';
  fs.writeFileSync(f, JSON.stringify(pkg, null, 2) + '\n');
}
fs.writeFileSync(path.join(dir, 'backstage.json'), JSON.stringify({ version: release.releaseVersion }) + '\n');
EOF
  fi
  if [[ $pm == pnpm ]]; then
    printf 'packages:\n  - packages/*\n  - plugins/*\n' >"$dir/pnpm-workspace.yaml"
    node -e 'const fs=require("fs"); const f=process.argv[1]; const p=JSON.parse(fs.readFileSync(f,"utf8")); p.packageManager="pnpm@"+process.argv[2]; fs.writeFileSync(f, JSON.stringify(p,null,2)+"\n")' \
      "$dir/package.json" "$(node "$pnpm_js" --version)"
  fi
  echo "$dir"
}

median() { sort -n | awk '{ a[NR] = $1 } END { if (NR == 0) print "-"; else if (NR % 2) print a[(NR + 1) / 2]; else printf "%.2f\n", (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
now() { date +%s.%N; }

read -r -a releases <<<"${LAB_RELEASES:-1.31.0 1.46.2 1.53.0}"
declare -A app_dirs
for release in "${releases[@]}"; do
  if [[ $release == 1.31.0 ]]; then
    app_dirs[$release]=$(make_app "sample-$release" "")  # the sample app's own release
  else
    app_dirs[$release]=$(make_app "bumped-$release" "$release")
  fi
done

pm_install() {  # dir log -> status of the lockfile-only install
  if [[ $pm == pnpm ]]; then
    (cd "$1" && node "$pnpm_js" install --lockfile-only --ignore-scripts --no-frozen-lockfile \
      --config.manage-package-manager-versions=false --config.update-notifier=false >"$2" 2>&1)
  else
    (cd "$1" && npm install --package-lock-only --ignore-scripts --no-audit --no-fund >"$2" 2>&1)
  fi
}
first_error() { grep -m1 -E 'npm (error|ERR!) code|ERR_PNPM|ERROR' "$1" | cut -c1-120; }

# Each app as it is, before any change: a manager that cannot install the
# app itself cannot install any plan for it either.
declare -A baseline
for release in "${releases[@]}"; do
  rm -rf "$tmp/base"; cp -r "${app_dirs[$release]}" "$tmp/base"
  if pm_install "$tmp/base" "$tmp/base.log"; then
    baseline[$release]=ok
  else
    baseline[$release]=$(first_error "$tmp/base.log")
  fi
  echo "app at $release as it is: $pm install ${baseline[$release]}"
done
echo

plans=0 refused=0 matched=0 failed=0 errors=0 app_fails=0
solve_times=() npm_times=()
printf '%-8s %-50s %-9s %s\n' release plugin outcome detail
for release in "${releases[@]}"; do
  for plugin in "${plugins[@]}"; do
    work="$tmp/run"
    rm -rf "$work"; cp -r "${app_dirs[$release]}" "$work"
    t0=$(now)
    "$cli" solve --db "$db" --app "$work" add "$plugin" "${solve_args[@]}" --apply --json >"$tmp/plan.json" 2>"$tmp/solve.err"
    rc=$?
    t1=$(now)
    solve_times+=("$(echo "$t1 - $t0" | bc)")
    if [[ $rc -eq 6 ]]; then
      refused=$((refused + 1))
      why=$(node -e 'const d=JSON.parse(require("fs").readFileSync(process.argv[1],"utf8")); console.log(d.conflict.explanation.split("\n").slice(-2)[0].slice(0,150))' "$tmp/plan.json")
      printf '%-8s %-50s %-9s %s\n' "$release" "$plugin" refused "$why"
      continue
    elif [[ $rc -ne 0 ]]; then
      errors=$((errors + 1))
      printf '%-8s %-50s %-9s %s\n' "$release" "$plugin" error "$(tail -1 "$tmp/solve.err" | cut -c1-150)"
      continue
    fi
    plans=$((plans + 1))
    found=$(node -e 'const d=JSON.parse(require("fs").readFileSync(process.argv[1],"utf8")); const c={}; for (const f of d.plan.findings) if (f.id!=="no-lockfile") c[f.id]=(c[f.id]||0)+1; console.log(Object.entries(c).map(([k,v])=>k+" x"+v).join(", "))' "$tmp/plan.json")
    t0=$(now)
    pm_install "$work" "$tmp/npm.log"
    nrc=$?
    t1=$(now)
    npm_times+=("$(echo "$t1 - $t0" | bc)")
    if [[ $nrc -ne 0 ]]; then
      if [[ ${baseline[$release]} != ok ]]; then
        app_fails=$((app_fails + 1))
        printf '%-8s %-50s %-9s %s\n' "$release" "$plugin" app-fails "$(first_error "$tmp/npm.log") (the app as it is: ${baseline[$release]})"
      else
        failed=$((failed + 1))
        printf '%-8s %-50s %-9s %s\n' "$release" "$plugin" "$pm-fails" "$(first_error "$tmp/npm.log")"
      fi
      continue
    fi
    if "$cli" check --app "$work" --json >"$tmp/check.json" 2>&1; then
      matched=$((matched + 1))
      printf '%-8s %-50s %-9s %s\n' "$release" "$plugin" match "$(node -e 'const d=JSON.parse(require("fs").readFileSync(process.argv[1],"utf8")); console.log(d.checked + " packages checked")' "$tmp/check.json")${found:+; $found}"
    else
      failed=$((failed + 1))
      printf '%-8s %-50s %-9s %s\n' "$release" "$plugin" mismatch "$(node -e 'const d=JSON.parse(require("fs").readFileSync(process.argv[1],"utf8")); console.log(d.problems.length + " problems, first: " + (d.problems[0]?.message ?? "").slice(0,110))' "$tmp/check.json")"
    fi
  done
done
echo
echo "cases: $(( plans + refused + errors )); plans: $plans (match: $matched, not: $failed, the app itself not installable: $app_fails); refused: $refused; errors: $errors"
echo "median solve --apply: $(printf '%s\n' "${solve_times[@]}" | median) s; median $pm lockfile-only install: $(printf '%s\n' "${npm_times[@]}" | median) s"
