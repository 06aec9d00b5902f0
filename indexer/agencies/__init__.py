"""Agencies across years: which body published a report, its legal deadline, its timeline and the signals
watchdogs look for (missing, late, copied … reports). Pure functions over records; storage keeps the results.
"""
