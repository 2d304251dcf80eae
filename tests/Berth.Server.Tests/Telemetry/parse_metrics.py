"""Parses a Prometheus text exposition from stdin with the Prometheus project's own Python parser
(prometheus_client.parser) and prints its samples as JSON: [[name, {label: value}, value], ...]."""
import json
import sys

from prometheus_client.parser import text_string_to_metric_families

samples = []
for family in text_string_to_metric_families(sys.stdin.read()):
    for sample in family.samples:
        samples.append([sample.name, sample.labels, sample.value])
json.dump(samples, sys.stdout)
