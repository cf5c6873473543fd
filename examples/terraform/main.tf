# A blue/green pair for the asg-blue-green GitHub Action, in Terraform (the same stack as
# examples/cloudformation/blue-green.yaml): an Application Load Balancer, a launch template whose user data
# runs the version tagged on the instance's group, the two groups <prefix><service>-blue and -green
# (capacity 0 until the first version is started with examples/cloudformation/start-first-version.sh), each
# with its own target group and the listener weighting both (traffic_switch = "weights", the default) or
# both on one target group (traffic_switch = "standby"), the GitHub OIDC provider and a least-privilege
# deploy role. The instances pull <image_registry><service>:<version> (required: there is no default
# registry; an ECR registry gets the login and the pull rights on that one repository) and serve on
# app_port; the deploy role trusts this repository's name-form subjects, or with github_owner_id and
# github_repository_id its immutable ones.
#
# No drift fight: the action changes, and Terraform must leave alone (lifecycle.ignore_changes below):
#   * min_size, max_size, desired_capacity: a deploy gives the new color the live color's sizes and sets
#     the old color to 0; rollback and finalize set them back;
#   * tag: the version tag (docker:image:version), the blue-green:* markers while a deployment is under way,
#     blue-green/last-deploy and blue-green/last-run afterwards (Terraform would delete tags it does not
#     declare);
#   * suspended_processes: the old color is quarantined while it waits in Standby;
#   * launch_template, mixed_instances_policy: a deploy by image (the image input) pins the idle color to
#     a new version of its launch template, and a deploy without image first gives the idle color the
#     live color's version (Terraform would put both back on the version it last applied, the live one
#     too). A change to aws_launch_template makes a version no group launches until you point a group at
#     it: the idle one, then deploy with image (docs/deploy-by-image.md, "What infrastructure as code must leave alone").
# And on the listener (lifecycle.ignore_changes = [default_action]): the weights of its forward action, which
# cutover and rollback swap (traffic_switch = "weights"). Listener rules of your own (aws_lb_listener_rule)
# that forward to the colors need ignore_changes = [action] for the same reason.
# Keep aws_autoscaling_policy, aws_autoscaling_schedule and the alarms that fire scaling policies out of
# Terraform: a deploy moves scaling policies and scheduled actions to the new color and re-points the alarms.
# To change min/max, change the live group (aws autoscaling update-auto-scaling-group): the next deploy
# copies it. A test (__tests__/starter/terraform.test.ts) checks these lists against what the code writes.

terraform {
  required_version = ">= 1.2" # lifecycle precondition (the deploy role)
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.0"
    }
  }
}

provider "aws" {
  region = var.region
}

data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}

locals {
  weights = var.traffic_switch == "weights"

  # An Amazon ECR private registry, <account>.dkr.ecr.<region>.amazonaws.com[.cn]/[namespace/]: account,
  # region and namespace (null for another registry).
  ecr = try(regex("^([0-9]{12})\\.dkr\\.ecr\\.([a-z0-9-]+)\\.amazonaws\\.com(?:\\.cn)?/(.*)$", var.image_registry), null)

  # The subject prefix of this repository's OIDC tokens: repo:OWNER/REPO, or with the two ids the immutable
  # form repo:OWNER@<owner id>/REPO@<repository id> (docs/github-setup.md §2). Never both, never a wildcard.
  immutable_subjects = var.github_owner_id != "" && var.github_repository_id != ""
  github_subject     = local.immutable_subjects ? format("repo:%s@%s/%s@%s", element(split("/", var.github_repository), 0), var.github_owner_id, element(split("/", var.github_repository), 1), var.github_repository_id) : format("repo:%s", var.github_repository)

  # The lines the launch template's user data puts in front of examples/user-data/boot.sh (its settings).
  boot_settings = <<-EOT
    #!/bin/bash
    REGISTRY='${var.image_registry}'
    APP_PORT='${var.app_port}'
  EOT
}

data "aws_ssm_parameter" "al2023" {
  name = "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64"
}

resource "aws_security_group" "lb" {
  name_prefix = "${var.prefix}${var.service}-lb-"
  description = "HTTP to the ${var.prefix}${var.service} load balancer"
  vpc_id      = var.vpc_id

  ingress {
    protocol    = "tcp"
    from_port   = 80
    to_port     = 80
    cidr_blocks = ["0.0.0.0/0"]
  }

  egress {
    protocol    = "-1"
    from_port   = 0
    to_port     = 0
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_security_group" "instances" {
  name_prefix = "${var.prefix}${var.service}-"
  description = "${var.prefix}${var.service} instances: the app port from the load balancer only"
  vpc_id      = var.vpc_id

  ingress {
    protocol        = "tcp"
    from_port       = var.app_port
    to_port         = var.app_port
    security_groups = [aws_security_group.lb.id]
  }

  egress {
    protocol    = "-1"
    from_port   = 0
    to_port     = 0
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_lb" "app" {
  name               = "${var.prefix}${var.service}"
  load_balancer_type = "application"
  subnets            = var.load_balancer_subnet_ids
  security_groups    = [aws_security_group.lb.id]
}

# traffic_switch = "standby": both colors register here. "weights": blue's target group (it keeps the shared
# one's name and address in the state, so that switching a standby stack to weights keeps the target group
# that serves). A new instance counts as healthy after 2 passing checks 10 s apart.
resource "aws_lb_target_group" "app" {
  name                 = "${var.prefix}${var.service}"
  vpc_id               = var.vpc_id
  protocol             = "HTTP"
  port                 = var.app_port
  target_type          = "instance"
  deregistration_delay = 30

  health_check {
    protocol            = "HTTP"
    port                = "traffic-port" # app_port, where the boot script publishes the container
    path                = var.health_check_path
    interval            = 10
    timeout             = 5
    healthy_threshold   = 2
    unhealthy_threshold = 2
    matcher             = "200"
  }
}

# traffic_switch = "weights": green's target group, the same as blue's but for the name (a test checks it).
resource "aws_lb_target_group" "green" {
  count = local.weights ? 1 : 0

  name                 = "${var.prefix}${var.service}-green"
  vpc_id               = var.vpc_id
  protocol             = "HTTP"
  port                 = var.app_port
  target_type          = "instance"
  deregistration_delay = 30

  health_check {
    protocol            = "HTTP"
    port                = "traffic-port" # app_port, where the boot script publishes the container
    path                = var.health_check_path
    interval            = 10
    timeout             = 5
    healthy_threshold   = 2
    unhealthy_threshold = 2
    matcher             = "200"
  }
}

# "standby": a forward to the one target group. "weights": a forward to both colors' target groups, blue at
# weight 1 (the color start-first-version.sh starts) and green at 0 (weights go from 0 to 999, a forward
# takes 1 to 5 target groups). The load balancer health-checks a target group only while a listener rule
# names it, so the idle color's stays in the forward at weight 0: its new instances turn healthy there
# before a cutover moves the weights (ModifyListener). From the first deploy on the weights are the
# action's: ignore_changes keeps `terraform apply` from putting back the weights below, and keeps
# Terraform from ever updating default_action, here or in a later apply. A change you want there (or the
# listener of a stack switched between standby and weights) goes through `aws elbv2 modify-listener`, at
# rest (docs/MIGRATION.md).
resource "aws_lb_listener" "http" {
  load_balancer_arn = aws_lb.app.arn
  port              = 80
  protocol          = "HTTP"

  default_action {
    type = "forward"
    forward {
      target_group {
        arn    = aws_lb_target_group.app.arn
        weight = 1
      }
      dynamic "target_group" {
        for_each = aws_lb_target_group.green[*].arn
        content {
          arn    = target_group.value
          weight = 0
        }
      }
    }
  }

  lifecycle {
    ignore_changes = [default_action]
  }
}

# What the boot script calls: which group am I in, and what are its tags; for an ECR registry, a login
# token and the layers of this service's repository only (<namespace/><service> in that registry).
data "aws_iam_policy_document" "instance_trust" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["ec2.amazonaws.com"]
    }
  }
}

data "aws_iam_policy_document" "instance" {
  statement {
    actions   = ["autoscaling:DescribeAutoScalingInstances", "autoscaling:DescribeAutoScalingGroups"]
    resources = ["*"]
  }
}

resource "aws_iam_role" "instance" {
  name_prefix        = "${var.prefix}${var.service}-instance-"
  assume_role_policy = data.aws_iam_policy_document.instance_trust.json
}

resource "aws_iam_role_policy" "instance" {
  role   = aws_iam_role.instance.id
  name   = "read-own-group-tags"
  policy = data.aws_iam_policy_document.instance.json
}

data "aws_iam_policy_document" "instance_ecr" {
  count = local.ecr != null ? 1 : 0

  # GetAuthorizationToken takes no resource but "*"; the token alone reads nothing.
  statement {
    actions   = ["ecr:GetAuthorizationToken"]
    resources = ["*"]
  }
  statement {
    actions   = ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]
    resources = [format("arn:%s:ecr:%s:%s:repository/%s%s", data.aws_partition.current.partition, local.ecr[1], local.ecr[0], local.ecr[2], var.service)]
  }
}

resource "aws_iam_role_policy" "instance_ecr" {
  count = local.ecr != null ? 1 : 0

  role   = aws_iam_role.instance.id
  name   = "pull-this-service-from-ecr"
  policy = data.aws_iam_policy_document.instance_ecr[0].json
}

resource "aws_iam_role_policy_attachment" "session_manager" {
  count = var.enable_session_manager ? 1 : 0

  role       = aws_iam_role.instance.name
  policy_arn = "arn:${data.aws_partition.current.partition}:iam::aws:policy/AmazonSSMManagedInstanceCore"
}

resource "aws_iam_instance_profile" "instance" {
  name_prefix = "${var.prefix}${var.service}-"
  role        = aws_iam_role.instance.name
}

resource "aws_launch_template" "app" {
  name_prefix            = "${var.prefix}${var.service}-"
  image_id               = data.aws_ssm_parameter.al2023.value
  instance_type          = var.instance_type
  vpc_security_group_ids = [aws_security_group.instances.id]
  # Two settings lines from the variables, then the boot script as shipped (copy it next to this file if
  # you move the module); the script's own #!/bin/bash line is then a comment.
  user_data = base64encode("${local.boot_settings}${file("${path.module}/../user-data/boot.sh")}")

  iam_instance_profile {
    arn = aws_iam_instance_profile.instance.arn
  }

  metadata_options {
    http_tokens                 = "required"
    http_put_response_hop_limit = 2
  }
}

# The two colors, identical but for the name suffix and, with traffic_switch = "weights", green's target
# group. No desired_capacity and no version tag: a deploy sets them. min_size 0: both start idle.
resource "aws_autoscaling_group" "color" {
  for_each = toset(["blue", "green"])

  name                      = "${var.prefix}${var.service}-${each.key}"
  min_size                  = 0
  max_size                  = var.max_size
  vpc_zone_identifier       = var.instance_subnet_ids
  target_group_arns         = [each.key == "green" && local.weights ? aws_lb_target_group.green[0].arn : aws_lb_target_group.app.arn]
  health_check_type         = "ELB"
  health_check_grace_period = 300
  wait_for_capacity_timeout = "0"

  launch_template {
    id      = aws_launch_template.app.id
    version = aws_launch_template.app.latest_version
  }

  tag {
    key                 = "docker:image:name"
    value               = var.service
    propagate_at_launch = true
  }

  lifecycle {
    ignore_changes = [min_size, max_size, desired_capacity, tag, suspended_processes, launch_template, mixed_instances_policy]
  }
}

resource "aws_iam_openid_connect_provider" "github" {
  count          = var.create_oidc_provider ? 1 : 0
  url            = "https://token.actions.githubusercontent.com"
  client_id_list = ["sts.amazonaws.com"]
}

# The role the workflows assume (the action's role-to-assume input). Trust: release tags and the release
# branch (jobs without an environment), and the two approval environments, of this one repository, in the
# subject form it presents (local.github_subject). See docs/github-setup.md.
data "aws_iam_policy_document" "deploy_trust" {
  statement {
    sid     = "ReleaseTagsAndBranch"
    actions = ["sts:AssumeRoleWithWebIdentity"]
    principals {
      type        = "Federated"
      identifiers = ["arn:${data.aws_partition.current.partition}:iam::${data.aws_caller_identity.current.account_id}:oidc-provider/token.actions.githubusercontent.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "token.actions.githubusercontent.com:aud"
      values   = ["sts.amazonaws.com"]
    }
    condition {
      test     = "StringLike"
      variable = "token.actions.githubusercontent.com:sub"
      values = [
        "${local.github_subject}:ref:refs/tags/${var.release_tag_pattern}",
        "${local.github_subject}:ref:refs/heads/${var.release_branch}",
      ]
    }
  }

  statement {
    sid     = "ApprovalEnvironments"
    actions = ["sts:AssumeRoleWithWebIdentity"]
    principals {
      type        = "Federated"
      identifiers = ["arn:${data.aws_partition.current.partition}:iam::${data.aws_caller_identity.current.account_id}:oidc-provider/token.actions.githubusercontent.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "token.actions.githubusercontent.com:aud"
      values   = ["sts.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "token.actions.githubusercontent.com:sub"
      values = [
        "${local.github_subject}:environment:${var.finalize_environment}",
        "${local.github_subject}:environment:${var.rollback_environment}",
      ]
    }
  }
}

data "aws_iam_policy_document" "deploy" {
  # Every AWS call the action makes (a test compares this list with the code), the listener and rule reads
  # of the weighted topology among them. Describe* take only "*" as resource.
  statement {
    sid = "BlueGreen"
    actions = [
      "autoscaling:DescribeAutoScalingGroups",
      "autoscaling:DescribePolicies",
      "autoscaling:DescribeScheduledActions",
      "autoscaling:DescribeScalingActivities",
      "autoscaling:DescribeInstanceRefreshes",
      "autoscaling:DescribeLifecycleHooks",
      "autoscaling:CreateOrUpdateTags",
      "autoscaling:DeleteTags",
      "autoscaling:UpdateAutoScalingGroup",
      "autoscaling:SuspendProcesses",
      "autoscaling:ResumeProcesses",
      "autoscaling:EnterStandby",
      "autoscaling:ExitStandby",
      "autoscaling:DetachInstances",
      "autoscaling:SetInstanceProtection",
      "autoscaling:PutScalingPolicy",
      "autoscaling:DeletePolicy",
      "autoscaling:PutScheduledUpdateGroupAction",
      "autoscaling:DeleteScheduledAction",
      "elasticloadbalancing:DescribeTargetHealth",
      "elasticloadbalancing:DescribeTargetGroups",
      "elasticloadbalancing:DescribeTargetGroupAttributes",
      "elasticloadbalancing:DescribeInstanceHealth",
      "elasticloadbalancing:DescribeListeners",
      "elasticloadbalancing:DescribeRules",
      "elasticloadbalancing:DeregisterTargets",
      "ec2:DescribeInstances",
      "ec2:DescribeInstanceAttribute",
      # Deploy by image (the image input) only; it also needs ec2:RunInstances, iam:PassRole on the
      # instance role, and ec2:CreateTags only under ec2:CreateAction=RunInstances if the launch
      # template has tag specifications (README, "Deploy a baked image").
      "ec2:DescribeImages",
      "ec2:DescribeLaunchTemplateVersions",
      "ec2:CreateLaunchTemplateVersion",
      "cloudwatch:DescribeAlarms",
      "cloudwatch:PutMetricAlarm",
    ]
    resources = ["*"]
  }

  # Finalize terminates the detached standby instances: only this service's.
  statement {
    sid       = "TerminateOnlyThisServicesInstances"
    actions   = ["ec2:TerminateInstances"]
    resources = ["arn:${data.aws_partition.current.partition}:ec2:*:${data.aws_caller_identity.current.account_id}:instance/*"]
    condition {
      test     = "StringEquals"
      variable = "aws:ResourceTag/docker:image:name"
      values   = [var.service]
    }
  }

  # traffic_switch = "weights": cutover and rollback rewrite the weights of the forward actions, of the
  # listeners (listener/app/<name>/<id>/<listener-id>) and rules (listener-rule/app/<name>/<id>/<listener-id>/
  # <rule-id>) of this load balancer only (arn_suffix: app/<name>/<id>), a listener added to it later
  # included.
  statement {
    sid     = "SwitchWeightsOnThisLoadBalancer"
    actions = ["elasticloadbalancing:ModifyListener", "elasticloadbalancing:ModifyRule"]
    resources = [
      "arn:${data.aws_partition.current.partition}:elasticloadbalancing:${var.region}:${data.aws_caller_identity.current.account_id}:listener/${aws_lb.app.arn_suffix}/*",
      "arn:${data.aws_partition.current.partition}:elasticloadbalancing:${var.region}:${data.aws_caller_identity.current.account_id}:listener-rule/${aws_lb.app.arn_suffix}/*",
    ]
  }
}

resource "aws_iam_role" "deploy" {
  name                 = "deploy-${var.prefix}${var.service}"
  max_session_duration = 3600
  assume_role_policy   = data.aws_iam_policy_document.deploy_trust.json

  lifecycle {
    precondition {
      condition     = (var.github_owner_id == "") == (var.github_repository_id == "")
      error_message = "Give both github_owner_id and github_repository_id (immutable subjects), or neither."
    }
  }
}

resource "aws_iam_role_policy" "deploy" {
  role   = aws_iam_role.deploy.id
  name   = "blue-green"
  policy = data.aws_iam_policy_document.deploy.json
}
