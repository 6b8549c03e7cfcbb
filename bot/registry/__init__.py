"""NSER-like registry: tables, eligibility rules, identity verification, demo data.

Entry points: service (queries returning dataclasses), eligibility (pure rules),
verification (CNIC + second factor), seed.ensure_demo_registry, generator (CLI).
"""
