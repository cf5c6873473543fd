output "load_balancer_url" {
  value = "http://${aws_lb.app.dns_name}"
}

output "deploy_role_arn" {
  description = "The action's role-to-assume input."
  value       = aws_iam_role.deploy.arn
}

output "group_names" {
  value = [aws_autoscaling_group.color["blue"].name, aws_autoscaling_group.color["green"].name]
}
