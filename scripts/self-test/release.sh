#!/usr/bin/env bash
# The logic of .github/workflows/release.yml, kept here so it can be run (and tested) off a runner.
#
#   release.sh check TAG            TAG must be vX.Y.Z or vX.Y.Z-PRERELEASE (semver); prints
#                                   `version=X.Y.Z`, `major=vX` and `prerelease=true|false` (for GITHUB_OUTPUT)
#   release.sh notes TAG [FILE]     prints the body of FILE's (CHANGELOG.md's) section `## [X.Y.Z]`, up to the
#                                   next `## ` heading; fails when the section is missing or empty
#   release.sh publish TAG [--dry-run]
#                                   creates the GitHub release of TAG (gh release create --verify-tag; edit when
#                                   it exists) titled TAG, with the notes above, marked pre-release for vX.Y.Z-…;
#                                   needs GH_TOKEN
#   release.sh move-major TAG [--dry-run]
#                                   moves the floating major tag vX to TAG's commit (git tag -f, git push -f
#                                   origin): refused for a pre-release, for a commit not on origin's default
#                                   branch (DEFAULT_BRANCH, default main), and skipped (with a notice) when
#                                   origin has a newer stable vX.y.z than TAG, so vX never moves backwards
#
# Exit codes: 0 done, 1 refused or failed, 2 usage.
set -euo pipefail

SEMVER='^v(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)(-[0-9A-Za-z.-]+)?$'
STABLE='^v(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)$'

die() {
  echo "::error::$*" >&2
  exit 1
}

check() {
  local tag="$1"
  [[ "$tag" =~ $SEMVER ]] || die "tag '$tag' is not vMAJOR.MINOR.PATCH (optionally -PRERELEASE), e.g. v1.2.3 or v1.3.0-rc.1"
  local prerelease=false
  [[ -n "${BASH_REMATCH[4]}" ]] && prerelease=true
  echo "version=${tag#v}"
  echo "major=v${BASH_REMATCH[1]}"
  echo "prerelease=$prerelease"
}

notes() {
  local tag="$1" file="${2:-CHANGELOG.md}"
  check "$tag" >/dev/null
  [[ -f "$file" ]] || die "$file not found"
  local version="${tag#v}" body rc=0
  body="$(section "$version" "$file")" || rc=$?
  if [[ $rc -eq 3 && "$version" == *-* ]]; then
    # A pre-release without a section of its own gets the Unreleased section (what is to come).
    rc=0
    body="$(section Unreleased "$file")" || rc=$?
    [[ $rc -ne 0 ]] || echo "::notice::$file has no section for $version: the notes are its Unreleased section" >&2
  fi
  [[ $rc -ne 3 ]] || die "$file has no section for $version (a heading '## [$version] - YYYY-MM-DD'): add it before tagging $tag"
  [[ $rc -eq 0 ]] || die "could not read $file (awk exit $rc)"
  body="$(sed -e '/./,$!d' <<<"$body")" # blank lines at the start; $(...) drops the trailing ones
  [[ -n "${body//[[:space:]]/}" ]] || die "$file's section for $version is empty"
  printf '%s\n' "$body"
}

# The lines of FILE's section VERSION (`## [1.2.3] - 2026-12-03`, `## [1.2.3]`, `## 1.2.3`, `## [Unreleased]`):
# up to the next level-2 heading or the link definitions (`[1.2.3]: https://…`) Keep a Changelog puts at the
# end of the file. Exit 3 when there is no such section.
section() {
  awk -v v="$1" '
    function heading_version(line,   s) {
      s = line; sub(/^## +/, "", s); sub(/^\[/, "", s); sub(/[] ].*$/, "", s); return s
    }
    /^## / { if (inside) exit; if (heading_version($0) == v) { inside = 1; found = 1; next } }
    inside && /^\[[^]]+\]: / { exit }
    inside { print }
    END { if (!found) exit 3 }
  ' "$2"
}

move_major() {
  local tag="$1" dry_run="${2-}"
  local info major prerelease
  info="$(check "$tag")"
  major="$(sed -n 's/^major=//p' <<<"$info")"
  prerelease="$(sed -n 's/^prerelease=//p' <<<"$info")"
  [[ "$prerelease" == false ]] || die "$tag is a pre-release: the floating tag $major moves only to a stable v${major#v}.y.z"

  local commit
  commit="$(git rev-parse --verify "refs/tags/$tag^{commit}" 2>/dev/null)" || die "tag $tag is not in this clone (fetch it first)"

  local branch="${DEFAULT_BRANCH:-main}"
  git fetch --quiet --no-tags origin "+refs/heads/$branch:refs/remotes/origin/$branch" || die "cannot fetch $branch from origin"
  git merge-base --is-ancestor "$commit" "refs/remotes/origin/$branch" ||
    die "$tag ($commit) is not on $branch: only a reviewed commit of $branch becomes $major"

  # The newest stable vX.y.z on origin (the tag being released included: it was pushed first).
  local newest
  newest="$(git ls-remote --tags --refs origin "refs/tags/$major.*" |
    sed 's#^.*refs/tags/##' | grep -E "$STABLE" | sort -V | tail -n 1 || true)"
  if [[ -n "$newest" && "$newest" != "$tag" && "$(printf '%s\n%s\n' "$newest" "$tag" | sort -V | tail -n 1)" == "$newest" ]]; then
    echo "::notice::$major stays where it is: origin has $newest, newer than $tag"
    return 0
  fi

  local before
  before="$(git ls-remote --tags origin "refs/tags/$major" | awk '{print $1}')"
  if [[ "$dry_run" == --dry-run ]]; then
    echo "would run: git tag -f $major $commit && git push -f origin refs/tags/$major (was ${before:-none})"
    return 0
  fi
  git tag -f "$major" "$commit" >/dev/null
  git push --quiet -f origin "refs/tags/$major"
  echo "$major now points at $commit ($tag); it was at ${before:-nothing}"
}

publish() {
  local tag="$1" dry_run="${2-}"
  local prerelease notes_file
  prerelease="$(check "$tag" | sed -n 's/^prerelease=//p')"
  notes_file="$(mktemp)"
  notes "$tag" >"$notes_file"
  # A re-run (workflow_dispatch) updates the release it made before instead of failing on it.
  local verb=create extra=(--verify-tag)
  if [[ "$dry_run" != --dry-run ]] && gh release view "$tag" >/dev/null 2>&1; then
    verb=edit
    extra=()
  fi
  local cmd=(gh release "$verb" "$tag" "${extra[@]}" --title "$tag" --notes-file "$notes_file" "--prerelease=$prerelease")
  if [[ "$dry_run" == --dry-run ]]; then
    echo "would run: ${cmd[*]}"
    sed 's/^/  | /' "$notes_file"
  else
    "${cmd[@]}"
  fi
  rm -f "$notes_file"
}

usage() {
  echo "usage: $0 check TAG | notes TAG [FILE] | publish TAG [--dry-run] | move-major TAG [--dry-run]" >&2
  exit 2
}

case "${1-}:$#" in
  check:2) check "$2" ;;
  notes:2 | notes:3) notes "$2" "${3-}" ;;
  publish:2) publish "$2" ;;
  publish:3) [[ "$3" == --dry-run ]] || usage; publish "$2" --dry-run ;;
  move-major:2) move_major "$2" ;;
  move-major:3) [[ "$3" == --dry-run ]] || usage; move_major "$2" --dry-run ;;
  *) usage ;;
esac
