#!/bin/bash
# Instance boot script (EC2 user data) for a blue/green pair driven by the asg-blue-green action.
#
# It runs the version the instance's own Auto Scaling group is tagged with:
#   1. IMDSv2: a session token, then this instance's id and region;
#   2. the Auto Scaling API: which group this instance belongs to (DescribeAutoScalingInstances), then
#      that group's image-name and version tags (DescribeAutoScalingGroups). Never the instance's own tags:
#      Auto Scaling copies group tags onto instances with no ordering guarantee relative to this script;
#   3. docker pull <registry><image-name>:<version>, then docker run it.
#
# Any failure exits non-zero with a line starting "boot: FAILED" (in /var/log/cloud-init-output.log) and
# starts no container: nothing listens, the target stays unhealthy, and the deploy aborts and names the
# instance. The instance profile needs autoscaling:DescribeAutoScalingInstances and
# autoscaling:DescribeAutoScalingGroups (plus read access to your registry).
#
# Edit the settings below. The two tag keys must be the action's image-name-tag-key and version-tag-key
# inputs (these are the action's defaults).
set -uo pipefail

IMAGE_NAME_TAG_KEY='docker:image:name'
VERSION_TAG_KEY='docker:image:version'
# Prefix of the image reference, e.g. '123456789012.dkr.ecr.us-east-1.amazonaws.com/' (empty: Docker Hub).
REGISTRY=''
CONTAINER_NAME='app'
HOST_PORT='80'
CONTAINER_PORT='8080'
# Extra arguments for docker run (an array), e.g. (--env-file /etc/app.env).
DOCKER_RUN_ARGS=()
# How often the group lookup is retried while Auto Scaling does not list the instance yet.
LOOKUP_ATTEMPTS=10
LOOKUP_PAUSE_SECONDS=3

# Used only by this project's tests (a fake metadata endpoint and a simulated AWS on loopback); leave unset.
IMDS_ENDPOINT="${BOOT_TEST_IMDS_ENDPOINT:-http://169.254.169.254}"
AWS_ENDPOINT_ARGS=()
if [ -n "${BOOT_TEST_AWS_ENDPOINT_URL:-}" ]; then AWS_ENDPOINT_ARGS=(--endpoint-url "$BOOT_TEST_AWS_ENDPOINT_URL"); fi
if [ -n "${BOOT_TEST_LOOKUP_PAUSE_SECONDS:-}" ]; then LOOKUP_PAUSE_SECONDS="$BOOT_TEST_LOOKUP_PAUSE_SECONDS"; fi

log() { echo "boot: $*" >&2; }
fail() {
  echo "boot: FAILED: $*" >&2
  exit 1
}

# IMDSv2 GET of one metadata path (a token is required: IMDSv1 may be turned off on the launch template).
imds() {
  curl -sS -f --connect-timeout 2 --max-time 5 --retry 3 --retry-delay 1 --retry-connrefused \
    -H "X-aws-ec2-metadata-token: $IMDS_TOKEN" "$IMDS_ENDPOINT/latest/meta-data/$1"
}

# The script's only AWS calls go through this function: `asg <operation> <args...>` is
# `aws autoscaling <operation>` in this instance's region (credentials from the instance profile).
asg() {
  aws autoscaling "$@" --region "$REGION" ${AWS_ENDPOINT_ARGS[@]+"${AWS_ENDPOINT_ARGS[@]}"}
}

# 1. Who am I (IMDSv2).
IMDS_TOKEN=$(curl -sS -f --connect-timeout 2 --max-time 5 --retry 3 --retry-delay 1 --retry-connrefused -X PUT \
  -H 'X-aws-ec2-metadata-token-ttl-seconds: 300' "$IMDS_ENDPOINT/latest/api/token" 2>&1) ||
  fail "the instance metadata service (IMDSv2) at $IMDS_ENDPOINT did not give a token: $IMDS_TOKEN"
INSTANCE_ID=$(imds instance-id 2>&1) || fail "could not read instance-id from the instance metadata service: $INSTANCE_ID"
REGION=$(imds placement/region 2>&1) || fail "could not read placement/region from the instance metadata service: $REGION"
log "instance $INSTANCE_ID in $REGION"

# 2. Which group, and which version it is tagged with (the Auto Scaling API, not the instance's tags).
GROUP=''
for ((attempt = 1; attempt <= LOOKUP_ATTEMPTS; attempt++)); do
  GROUP=$(asg describe-auto-scaling-instances --instance-ids "$INSTANCE_ID" \
    --query 'AutoScalingInstances[0].AutoScalingGroupName' --output text 2>&1) ||
    fail "the Auto Scaling API refused describe-auto-scaling-instances for $INSTANCE_ID: $GROUP"
  if [ -n "$GROUP" ] && [ "$GROUP" != 'None' ]; then break; fi
  GROUP=''
  log "Auto Scaling does not list $INSTANCE_ID yet (attempt $attempt of $LOOKUP_ATTEMPTS)"
  sleep "$LOOKUP_PAUSE_SECONDS"
done
[ -n "$GROUP" ] || fail "$INSTANCE_ID belongs to no Auto Scaling group; this script runs only on instances of a blue/green group"

TAGS=$(asg describe-auto-scaling-groups --auto-scaling-group-names "$GROUP" \
  --query "AutoScalingGroups[0].Tags[?Key=='$IMAGE_NAME_TAG_KEY' || Key=='$VERSION_TAG_KEY'].[Key,Value]" \
  --output text 2>&1) || fail "the Auto Scaling API refused describe-auto-scaling-groups for $GROUP: $TAGS"
IMAGE_NAME=''
VERSION=''
while IFS=$'\t' read -r key value; do
  if [ "$key" = "$IMAGE_NAME_TAG_KEY" ]; then IMAGE_NAME="$value"; fi
  if [ "$key" = "$VERSION_TAG_KEY" ]; then VERSION="$value"; fi
done <<<"$TAGS"
[ -n "$IMAGE_NAME" ] || fail "group $GROUP has no $IMAGE_NAME_TAG_KEY tag (the image to run)"
[ -n "$VERSION" ] || fail "group $GROUP has no $VERSION_TAG_KEY tag: nothing to run (deploy a version with the action first)"

# A version is a Docker tag (letters, digits, _ . -; at most 128) or an image digest (sha256:<64 hex>).
if [[ "$VERSION" =~ ^sha256:[0-9a-f]{64}$ ]]; then
  IMAGE="${REGISTRY}${IMAGE_NAME}@${VERSION}"
elif [[ "$VERSION" =~ ^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$ ]]; then
  IMAGE="${REGISTRY}${IMAGE_NAME}:${VERSION}"
else
  fail "group $GROUP has $VERSION_TAG_KEY='$VERSION', which is neither a Docker tag nor a sha256 digest"
fi
log "group $GROUP runs $IMAGE"

# 3. Pull, then run. Nothing is started unless the pull succeeded.
if ! command -v docker >/dev/null 2>&1; then
  # Amazon Linux 2023 ships the AWS CLI but not Docker.
  command -v dnf >/dev/null 2>&1 || fail "docker is not installed and there is no dnf to install it; use an AMI with Docker"
  dnf install -y docker >&2 && systemctl enable --now docker >&2 || fail "could not install and start Docker"
fi
docker pull "$IMAGE" >&2 || fail "docker pull $IMAGE failed (registry reachable? image and tag exist? instance allowed to read it?)"
docker rm -f "$CONTAINER_NAME" >/dev/null 2>&1 || true
docker run -d --name "$CONTAINER_NAME" --restart=always -p "$HOST_PORT:$CONTAINER_PORT" ${DOCKER_RUN_ARGS[@]+"${DOCKER_RUN_ARGS[@]}"} "$IMAGE" >&2 ||
  fail "docker run $IMAGE failed"
log "started $IMAGE as container $CONTAINER_NAME (port $HOST_PORT -> $CONTAINER_PORT)"
