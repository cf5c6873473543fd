variable "region" {
  type    = string
  default = "us-east-1"
}

variable "prefix" {
  description = "The action's prefix input; groups are <prefix><service>-blue and -green."
  type        = string
  default     = "prod-"
}

variable "service" {
  description = "The action's service input: the value of the docker:image:name tag (the image to pull: <image_registry><service>)."
  type        = string
  default     = "web"
}

variable "image_registry" {
  description = "Where instances pull <image_registry><service>:<version> from, ending in /: 123456789012.dkr.ecr.us-east-1.amazonaws.com/ (Amazon ECR: docker login at boot and pull rights on that one repository; a namespace/ may follow), ghcr.io/owner/, docker.io/owner/. Required: an empty registry would mean Docker Hub's official library/ images."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9]+([.-][a-z0-9]+)*(:[0-9]+)?/([a-z0-9]+([._-][a-z0-9]+)*/)*$", var.image_registry))
    error_message = "image_registry is a registry host and optional path ending in /, e.g. 123456789012.dkr.ecr.us-east-1.amazonaws.com/."
  }
}

variable "vpc_id" {
  type = string
}

variable "load_balancer_subnet_ids" {
  description = "Public subnets for the load balancer (two Availability Zones or more)."
  type        = list(string)
}

variable "instance_subnet_ids" {
  description = "Subnets for the instances (they need a route to the image registry and the Auto Scaling API)."
  type        = list(string)
}

variable "instance_type" {
  type    = string
  default = "t3.small"
}

variable "max_size" {
  description = "The most instances one color may have (the action copies the live color's min/desired/max)."
  type        = number
  default     = 6
}

variable "app_port" {
  description = "The port the instances serve on, end to end: the instances' security group, the target groups (traffic and health checks) and the boot script's docker run -p <app_port>:8080."
  type        = number
  default     = 80

  validation {
    condition     = var.app_port >= 1 && var.app_port <= 65535
    error_message = "app_port is a port, 1 to 65535."
  }
}

variable "health_check_path" {
  type    = string
  default = "/health"
}

variable "github_repository" {
  description = "The repository whose workflows deploy (OWNER/REPO)."
  type        = string
  default     = "OWNER/REPO"

  validation {
    condition     = can(regex("^[A-Za-z0-9-]+/[A-Za-z0-9._-]+$", var.github_repository))
    error_message = "github_repository is OWNER/REPO."
  }
}

variable "github_owner_id" {
  description = "For a repository with immutable OIDC subjects (created on or after 2026-07-15, or opted in): the owner's numeric id (gh api repos/OWNER/REPO --jq .owner.id). With github_repository_id, the role trusts only repo:OWNER@<owner id>/REPO@<repository id>:... subjects; both empty, only repo:OWNER/REPO:...."
  type        = string
  default     = ""

  validation {
    condition     = can(regex("^[0-9]*$", var.github_owner_id))
    error_message = "github_owner_id is a number (or empty)."
  }
}

variable "github_repository_id" {
  description = "The repository's numeric id (gh api repos/OWNER/REPO --jq .id); see github_owner_id."
  type        = string
  default     = ""

  validation {
    condition     = can(regex("^[0-9]*$", var.github_repository_id))
    error_message = "github_repository_id is a number (or empty)."
  }
}

variable "release_branch" {
  type    = string
  default = "main"
}

variable "release_tag_pattern" {
  type    = string
  default = "v*"
}

variable "finalize_environment" {
  type    = string
  default = "production-finalize"
}

variable "rollback_environment" {
  type    = string
  default = "production-rollback"
}

variable "create_oidc_provider" {
  description = "false when the account already has the provider for token.actions.githubusercontent.com (one per account)."
  type        = bool
  default     = true
}

variable "enable_session_manager" {
  description = "true attaches AmazonSSMManagedInstanceCore to the instance role, for a shell with aws ssm start-session (the instances need a route to the SSM endpoints). Without it, read a boot failure with aws ec2 get-console-output."
  type        = bool
  default     = false
}

variable "traffic_switch" {
  description = "How a deploy moves traffic. weights (recommended for an Application Load Balancer): each color has its own target group and the listener forwards to both with weights; cutover and rollback swap the weights in one listener write, the old instances stay in service at weight 0 until finalize. standby: both colors on one target group; cutover moves the old instances to Standby. Change it on an existing stack only at rest with blue live (docs/MIGRATION.md); a stack applied before this variable existed gets weights on its next apply unless you set standby."
  type        = string
  default     = "weights"

  validation {
    condition     = contains(["weights", "standby"], var.traffic_switch)
    error_message = "traffic_switch is weights or standby."
  }
}
