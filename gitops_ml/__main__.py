from gitops_ml.cli import run

run()
