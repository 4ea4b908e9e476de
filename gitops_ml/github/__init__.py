"""GitHub: pull requests, check runs with batched annotations, commit statuses."""
