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
  description = "The action's image-name input: the value of the docker:image:name tag (the image to pull)."
  type        = string
  default     = "web"
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
  description = "The port instances serve on (the boot script maps it to the container's 8080)."
  type        = number
  default     = 80
}

variable "health_check_path" {
  type    = string
  default = "/health"
}

variable "github_repository" {
  description = "The repository whose workflows deploy (OWNER/REPO)."
  type        = string
  default     = "OWNER/REPO"
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

variable "traffic_switch" {
  description = "How a deploy moves traffic. weights (recommended for an Application Load Balancer): each color has its own target group and the listener forwards to both with weights; cutover and rollback swap the weights in one listener write, the old instances stay in service at weight 0 until finalize. standby: both colors on one target group; cutover moves the old instances to Standby. Change it on an existing stack only at rest with blue live (docs/MIGRATION.md); a stack applied before this variable existed gets weights on its next apply unless you set standby."
  type        = string
  default     = "weights"

  validation {
    condition     = contains(["weights", "standby"], var.traffic_switch)
    error_message = "traffic_switch is weights or standby."
  }
}
