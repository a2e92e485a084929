"""Probabilistic matching with Splink: model, training, prediction, clustering, evaluation."""
