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

output "target_group_arns" {
  description = "Each color's target group: the same one for both with traffic_switch = \"standby\"."
  value = {
    blue  = aws_lb_target_group.app.arn
    green = local.weights ? aws_lb_target_group.green[0].arn : aws_lb_target_group.app.arn
  }
}

output "listener_arn" {
  value = aws_lb_listener.http.arn
}
