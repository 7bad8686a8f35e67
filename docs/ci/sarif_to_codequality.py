#!/usr/bin/env python3
"""Converts tenure-analyze's SARIF into a GitLab Code Quality report.

  sarif_to_codequality.py tenure.sarif gl-code-quality-report.json

GitLab's Code Quality widget reads CodeClimate-style JSON, not SARIF. Each
SARIF result becomes one issue: check name, message, file, line, and the
line-independent fingerprint tenure computes (so GitLab can tell new findings
from old ones across commits). Findings confirmed at runtime (level "error")
become "critical", the others "major".
"""
import json
import sys


def convert(sarif):
    issues = []
    for run in sarif.get('runs', []):
        for result in run.get('results', []):
            location = result['locations'][0]['physicalLocation']
            fingerprints = result.get('partialFingerprints', {})
            issues.append({
                'type': 'issue',
                'check_name': result['ruleId'],
                'description': result['message']['text'],
                'fingerprint': next(iter(fingerprints.values()), ''),
                'severity': 'critical' if result.get('level') == 'error' else 'major',
                'location': {
                    'path': location['artifactLocation']['uri'],
                    'lines': {'begin': location['region']['startLine']},
                },
            })
    return issues


def main():
    if len(sys.argv) != 3:
        sys.exit('usage: sarif_to_codequality.py IN.sarif OUT.json')
    with open(sys.argv[1]) as f:
        issues = convert(json.load(f))
    with open(sys.argv[2], 'w') as f:
        json.dump(issues, f, indent=2)


if __name__ == '__main__':
    main()
