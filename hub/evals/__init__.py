"""Evaluations: suites of prompts x models x cases run through the pipeline, judged by
assertions, compared with statistics a user can trust. So far: the statistics."""
