"""Desired state (Git) against observed state (a target): plan, apply, drift, status."""
