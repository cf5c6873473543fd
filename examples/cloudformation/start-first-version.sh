#!/bin/bash
# One-time start of the first version on a new blue/green pair, right after the stack is created (both
# colors at capacity 0; the action deploys only next to a color that serves). It tags <base>-blue with the
# version and gives it its capacity; its instances boot that version (examples/user-data/boot.sh). From
# then on, ship versions with the action only.
#
#   Usage: start-first-version.sh <base> <version> <capacity>
#   e.g.:  AWS_DEFAULT_REGION=us-east-1 ./start-first-version.sh prod-web v1 2
#
# Needs autoscaling:DescribeAutoScalingGroups, CreateOrUpdateTags and UpdateAutoScalingGroup (an admin
# session, or the deploy role). VERSION_TAG_KEY must be the action's version-tag-key input.
set -euo pipefail

VERSION_TAG_KEY='docker:image:version'
BLUE_COLOR='blue'
GREEN_COLOR='green'

# Used only by this project's tests (a simulated AWS on loopback); leave unset.
AWS_ENDPOINT_ARGS=()
if [ -n "${BOOT_TEST_AWS_ENDPOINT_URL:-}" ]; then AWS_ENDPOINT_ARGS=(--endpoint-url "$BOOT_TEST_AWS_ENDPOINT_URL"); fi
asg() { aws autoscaling "$@" ${AWS_ENDPOINT_ARGS[@]+"${AWS_ENDPOINT_ARGS[@]}"}; }
fail() {
  echo "start-first-version: FAILED: $*" >&2
  exit 1
}

[ $# -eq 3 ] || fail "usage: $0 <base, e.g. prod-web> <version> <capacity>"
BASE=$1
VERSION=$2
CAPACITY=$3
[[ "$CAPACITY" =~ ^[1-9][0-9]*$ ]] || fail "capacity must be a whole number of instances, at least 1 (got '$CAPACITY')"
BLUE="$BASE-$BLUE_COLOR"
GREEN="$BASE-$GREEN_COLOR"

SIZES=$(asg describe-auto-scaling-groups --auto-scaling-group-names "$BLUE" "$GREEN" \
  --query 'AutoScalingGroups[].[AutoScalingGroupName,DesiredCapacity,MaxSize]' --output text) ||
  fail "could not read $BLUE and $GREEN (region and credentials set?)"
[ "$(grep -c . <<<"$SIZES")" -eq 2 ] || fail "$BLUE and $GREEN must both exist (found: ${SIZES:-none}); create the stack first"
while read -r name desired max; do
  [ "$desired" = 0 ] || fail "$name already has capacity $desired: the pair is started; ship versions with the action (mode: deploy)"
  if [ "$name" = "$BLUE" ] && [ "$CAPACITY" -gt "$max" ]; then fail "capacity $CAPACITY is above $BLUE's MaxSize $max"; fi
done <<<"$SIZES"

asg create-or-update-tags --tags "ResourceId=$BLUE,ResourceType=auto-scaling-group,Key=$VERSION_TAG_KEY,Value=$VERSION,PropagateAtLaunch=true" ||
  fail "could not tag $BLUE"
asg update-auto-scaling-group --auto-scaling-group-name "$BLUE" --min-size "$CAPACITY" --desired-capacity "$CAPACITY" ||
  fail "could not give $BLUE its capacity (its version tag is set: run this again)"
echo "$BLUE: $VERSION_TAG_KEY=$VERSION, min/desired $CAPACITY; $GREEN stays idle. Its instances boot $VERSION now."
