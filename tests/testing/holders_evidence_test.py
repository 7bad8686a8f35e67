#!/usr/bin/env python3
"""Growth evidence with its holders, end to end: holders_plugins.h's registry
(legitimate) and cache (leaking) hold objects of the same type; the evidence
holders_test.cpp's runs write confirms the cache finding only by what the
cache holds.

  holders_evidence_test.py --analyzer EXE --program EXE --build-dir DIR
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), 'analyzer'))
from case_runner import expect  # noqa: E402

SOURCE = os.path.join(HERE, 'holders_plugins.cpp')
CACHE = "'plugins::Cache::entries_' only grows"


def run_tests(args, evidence, gtest_filter):
    env = dict(os.environ, TENURE_EVIDENCE=evidence)
    run = subprocess.run([args.program, '--gtest_filter=' + gtest_filter],
                         env=env, capture_output=True, text=True)
    expect(run.returncode == 0, 'the tests pass and write ' + evidence,
           run.stdout, run.stderr)


def cache_findings(args, evidence):
    run = subprocess.run([args.analyzer, '-p', args.build_dir, SOURCE,
                          '--evidence=' + evidence],
                         capture_output=True, text=True)
    expect(run.returncode == 1, 'findings reported', run.stdout, run.stderr)
    lines = run.stdout.splitlines()
    expect(not [l for l in lines if 'Registry' in l and 'warning' in l],
           'the registry (it has an erase path) is not reported', run.stdout)
    found = [l for l in lines if CACHE in l]
    expect(len(found) == 1, 'one cache finding', run.stdout, run.stderr)
    return found[0]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--analyzer', required=True)
    parser.add_argument('--program', required=True)
    parser.add_argument('--build-dir', required=True)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix='tenure-holders-') as work:
        # Only the registry keeps entries: before holders were recorded, this
        # growth of plugins::Entry confirmed the cache finding.
        registry_only = os.path.join(work, 'registry.json')
        run_tests(args, registry_only, 'Holders.RegistryKeeps*')
        line = cache_findings(args, registry_only)
        expect('confirmed at runtime' not in line,
               'growth held by the registry does not confirm the cache', line,
               open(registry_only).read())
        with open(registry_only) as f:
            data = json.load(f)
        for g in data['growth']:
            g.pop('holders', None)
        without_holders = os.path.join(work, 'no-holders.json')
        with open(without_holders, 'w') as f:
            json.dump(data, f)
        line = cache_findings(args, without_holders)
        expect('confirmed at runtime' in line,
               'without holders the same growth confirms it by type alone', line)

        # Both: the cache's five entries confirm it, the registry's three do not
        # add to the count.
        both = os.path.join(work, 'both.json')
        run_tests(args, both, 'Holders.RegistryKeeps*:Holders.CacheKeeps*')
        line = cache_findings(args, both)
        expect("[confirmed at runtime: 5 'plugins::Entry' objects outlived 1 test]"
               in line, 'the cache confirmed by what it holds', line,
               open(both).read())


if __name__ == '__main__':
    main()
