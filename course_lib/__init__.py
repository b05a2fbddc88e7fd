"""Support code for Neural Networks from Scratch.

Reference implementations of every graded function live in modules named after the concept
(`neurons`, `layers`, `activations`), so a later notebook can import a finished piece instead of
relying on a student's earlier answer.
"""
