#!/usr/bin/env python3
"""The demo's promise, checked: every bug planted in examples/collab is
reported, nothing else is, and the runtime confirms what it can see.

  demo_test.py --analyzer EXE --collab-tests EXE --build-dir DIR --source-dir DIR

Runs the example's tests (they fail by design: they leak) with
TENURE_EVIDENCE in a temporary directory, then tenure-analyze with that
evidence on the example's sources, and compares its JSON report with the
planted bugs. Copies are counted only in verification builds (TENURE_VERIFY),
so there the loop's copies must confirm its finding too.
"""
import argparse
import glob
import json
import os
import shutil
import subprocess
import sys
import tempfile

# (check, file, words of the message, confirmed?).
PLANTED = [
    ('tenure-ref-cycle', 'examples/collab/document.cpp',
     "'collab::Section::document_'", True),
    ('tenure-ref-cycle', 'examples/collab/session.cpp',
     "'collab::Session::on_edit_'", True),
    ('tenure-unbounded-cache', 'examples/collab/renderer.cpp',
     "'collab::Renderer::cache_' only grows", True),
    ('tenure-needless-copy', 'examples/collab/document.cpp',
     "loop variable 'section'", 'with copy counts'),
    ('tenure-needless-copy', 'examples/collab/document.cpp',
     "parameter 'section'", 'with copy counts'),
    # std::shared_ptr objects are invisible to tenure's runtime: LeakSanitizer
    # (collab-tests is built with tenure_leak_check) is their witness.
    ('tenure-ref-cycle', 'examples/collab/change_feed.cpp',
     "'collab::Subscriber::feed_'", 'by LeakSanitizer'),
]


def fail(message, *context):
    sys.stderr.write('FAILED: %s\n' % message)
    for c in context:
        sys.stderr.write('--- context ---\n%s\n' % c)
    sys.exit(1)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--analyzer', required=True)
    parser.add_argument('--collab-tests', required=True)
    parser.add_argument('--build-dir', required=True)
    parser.add_argument('--source-dir', required=True)
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix='tenure-demo-')
    try:
        run(args, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def run(args, work):
    evidence = os.path.join(work, 'evidence.json')
    tests = subprocess.run([args.collab_tests],
                           env=dict(os.environ, TENURE_EVIDENCE=evidence),
                           capture_output=True, text=True)
    if tests.returncode != 1 or 'collab::Section -[document]->' not in tests.stdout:
        fail('collab-tests should fail on the leaked Document/Section cycles '
             '(exit %d)' % tests.returncode, tests.stdout, tests.stderr)
    with open(evidence) as f:
        counts_copies = bool(json.load(f)['copies'])

    src = args.source_dir
    sources = sorted(glob.glob(os.path.join(src, 'examples/collab/*.cpp')))
    sources += [os.path.join(src, 'examples', name)
                for name in ('main.cpp', 'collab_test.cpp')]
    graph = os.path.join(work, 'cycles.dot')
    analyze = subprocess.run(
        [args.analyzer, '-p', args.build_dir, '-j', '2', '--format=json',
         '--evidence=' + evidence, '--cycle-graph=' + graph] + sources,
        cwd=src, capture_output=True, text=True)
    if analyze.returncode != 1:
        fail('tenure-analyze should exit 1 (findings), got %d'
             % analyze.returncode, analyze.stderr)
    findings = json.loads(analyze.stdout)['findings']

    unexpected = list(findings)
    for check, path, words, confirmed in PLANTED:
        match = [f for f in findings if f['check'] == check and
                 f['file'].endswith(path) and words in f['message']]
        if len(match) != 1:
            fail('%s in %s (%s): expected once, found %d'
                 % (check, path, words, len(match)), analyze.stdout)
        unexpected.remove(match[0])
        witness = None
        if confirmed == 'with copy counts':
            confirmed = counts_copies
        elif confirmed == 'by LeakSanitizer':
            confirmed, witness = True, 'seen by LeakSanitizer'
        is_confirmed = match[0]['confirmed'] is not None
        if is_confirmed != confirmed or (
                witness and witness not in match[0]['confirmed']['summary']):
            fail('%s in %s (%s): confirmed should be %s%s'
                 % (check, path, words, confirmed,
                    ' (%s)' % witness if witness else ''),
                 json.dumps(match[0], indent=2))
    if unexpected:
        fail('findings beyond the planted bugs',
             json.dumps(unexpected, indent=2))

    with open(graph) as f:
        dot = f.read()
    for edge in ('"collab::Section" -> "collab::Document"',
                 '"collab::Subscriber" -> "collab::ChangeFeed"'):
        if edge not in dot:
            fail('the cycle graph lacks %s' % edge, dot)


if __name__ == '__main__':
    main()
