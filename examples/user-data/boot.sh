#!/bin/bash
# Instance boot script (EC2 user data) for a blue/green pair driven by the asg-blue-green action.
#
# It runs the version the instance's own Auto Scaling group is tagged with:
#   1. IMDSv2: a session token, then this instance's id and region;
#   2. the Auto Scaling API: which group this instance belongs to (DescribeAutoScalingInstances), then
#      that group's service and version tags (DescribeAutoScalingGroups). Never the instance's own tags:
#      Auto Scaling copies group tags onto instances with no ordering guarantee relative to this script;
#   3. for an Amazon ECR registry, docker login with a token from ecr get-login-password; then
#      docker pull <registry><service>:<version> and docker run it, with the app port mapped to the
#      container's 8080 and the version in the container's APP_VERSION.
#
# Any failure exits non-zero with a line starting "boot: FAILED" and starts no container: nothing listens,
# the target stays unhealthy, and the deploy aborts and names the instance. Read the line in the instance's
# console output (aws ec2 get-console-output --instance-id <id> --latest --output text), or in
# /var/log/cloud-init-output.log on the instance. The instance profile needs
# autoscaling:DescribeAutoScalingInstances and autoscaling:DescribeAutoScalingGroups, plus, for ECR,
# ecr:GetAuthorizationToken and ecr:BatchGetImage / ecr:GetDownloadUrlForLayer on the repository.
#
# Settings. The starter kit's stacks write REGISTRY and APP_PORT on the lines they put in front of this
# script (CloudFormation parameters ImageRegistry and AppPort, Terraform variables image_registry and
# app_port): change them there. Used on its own, set them below. The two tag keys must be the action's
# service-tag-key and version-tag-key inputs (these are the action's defaults).
set -uo pipefail

IMAGE_NAME_TAG_KEY='docker:image:name'
VERSION_TAG_KEY='docker:image:version'
# Prefix of the image reference, ending in "/": '123456789012.dkr.ecr.us-east-1.amazonaws.com/' (Amazon ECR),
# 'ghcr.io/OWNER/', 'docker.io/OWNER/' (Docker Hub). Required: an empty one would pull Docker Hub's
# official library/<service> image, someone else's.
REGISTRY="${REGISTRY-}"
# The port the instance serves on: the load balancer's target groups send requests and health checks there.
APP_PORT="${APP_PORT:-80}"
CONTAINER_NAME='app'
# The port the app listens on inside the container (the container also gets it in PORT).
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
ECR_ENDPOINT_ARGS=()
if [ -n "${BOOT_TEST_ECR_ENDPOINT_URL:-}" ]; then ECR_ENDPOINT_ARGS=(--endpoint-url "$BOOT_TEST_ECR_ENDPOINT_URL"); fi
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

# The script's AWS calls go through these two functions (credentials from the instance profile):
# `asg <operation> <args...>` is `aws autoscaling <operation>` in this instance's region, and
# `ecr <operation> <args...>` is `aws ecr <operation>` (the caller gives the registry's region).
asg() {
  aws autoscaling "$@" --region "$REGION" ${AWS_ENDPOINT_ARGS[@]+"${AWS_ENDPOINT_ARGS[@]}"}
}
ecr() {
  aws ecr "$@" ${ECR_ENDPOINT_ARGS[@]+"${ECR_ENDPOINT_ARGS[@]}"}
}

# 0. The settings, before anything else (a wrong one fails here, not half way).
[ -n "$REGISTRY" ] ||
  fail "REGISTRY is empty: set it to your registry, e.g. 123456789012.dkr.ecr.us-east-1.amazonaws.com/ (the stack's ImageRegistry); an empty one would pull Docker Hub's official library/ images"
[[ "$REGISTRY" == */ ]] || fail "REGISTRY='$REGISTRY' must end with / (e.g. 123456789012.dkr.ecr.us-east-1.amazonaws.com/)"
[[ "$APP_PORT" =~ ^[1-9][0-9]{0,4}$ ]] && [ "$APP_PORT" -le 65535 ] || fail "APP_PORT='$APP_PORT' is not a port (1-65535)"
# An Amazon ECR private registry: <account>.dkr.ecr.<region>.amazonaws.com[.cn]/ (docker login first).
ECR_HOST=''
ECR_REGION=''
if [[ "$REGISTRY" =~ ^([0-9]{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com(\.cn)?/ ]]; then
  ECR_HOST="${REGISTRY%%/*}"
  ECR_REGION="${BASH_REMATCH[2]}"
fi

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
if [ -n "$ECR_HOST" ]; then
  ecr get-login-password --region "$ECR_REGION" | docker login --username AWS --password-stdin "$ECR_HOST" >&2 ||
    fail "could not log in to the ECR registry $ECR_HOST (instance role allowed ecr:GetAuthorizationToken? route to ECR in $ECR_REGION?)"
  log "logged in to $ECR_HOST"
fi
docker pull "$IMAGE" >&2 || fail "docker pull $IMAGE failed (registry reachable? image and tag exist? instance allowed to read it?)"
docker rm -f "$CONTAINER_NAME" >/dev/null 2>&1 || true
docker run -d --name "$CONTAINER_NAME" --restart=always -p "$APP_PORT:$CONTAINER_PORT" \
  --env "APP_VERSION=$VERSION" --env "PORT=$CONTAINER_PORT" ${DOCKER_RUN_ARGS[@]+"${DOCKER_RUN_ARGS[@]}"} "$IMAGE" >&2 ||
  fail "docker run $IMAGE failed"
log "started $IMAGE as container $CONTAINER_NAME (port $APP_PORT -> $CONTAINER_PORT)"
