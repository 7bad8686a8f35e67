#!/usr/bin/env python3
"""tenure_analyze(): facts as build actions, the report as a target.

Builds the target tenure_analyze_pair of tenure's own build tree the way a
user would (cmake --build), checks the cross-unit cycle is reported and the
build fails on it, that a second build re-runs nothing, and that touching the
header re-runs the facts of both units that include it.
"""
import argparse
import os
import subprocess

from case_runner import expect


def build(args):
    result = subprocess.run(['cmake', '--build', args.build_dir, '--target',
                             'tenure_analyze_pair'], capture_output=True, text=True)
    return result.returncode, result.stdout + result.stderr


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--build-dir', required=True)
    parser.add_argument('--facts-dir', required=True)
    parser.add_argument('--header', required=True)
    args = parser.parse_args()

    # From a clean state: the facts are made, the cycle found across units.
    for name in os.listdir(args.facts_dir) if os.path.isdir(args.facts_dir) else []:
        os.remove(os.path.join(args.facts_dir, name))
    code, out = build(args)
    expect(code != 0, 'a finding fails the build of the report target', out)
    expect(out.count('tenure: facts of') == 2, 'one facts action per unit', out)
    expect('strong reference cycle pair_demo::' in out and '[tenure-ref-cycle]' in out,
           'the cycle through both units is reported', out)

    code, again = build(args)
    expect('tenure: facts of' not in again, 'nothing changed: no unit re-analysed', again)
    expect('strong reference cycle' in again, 'the report runs again', again)

    # The header is a dependency of both facts actions (the depfile).
    os.utime(args.header, None)
    code, touched = build(args)
    expect(touched.count('tenure: facts of') == 2,
           'a header change re-runs the units that include it', touched)
    print('analyze.build_actions: ok')


if __name__ == '__main__':
    main()
