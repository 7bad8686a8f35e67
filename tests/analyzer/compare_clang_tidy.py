#!/usr/bin/env python3
"""tenure-needless-copy must find every handle copy clang-tidy's copy checks find.

Runs clang-tidy's performance-unnecessary-value-param,
performance-unnecessary-copy-initialization and performance-for-range-copy
and tenure-needless-copy (the plugin) in one clang-tidy run over a testdata
case, and fails when clang-tidy reports a line tenure does not.

clang-tidy's checks flag every copy of a type that is not trivially copyable;
tenure reports handles only and leaves intended copies alone (a keep-alive,
a copy that is stored, a virtual function's signature). Such a line carries
the marker `clang-tidy-only: <reason>` in a comment, and the marker must stay
true: a marked line that clang-tidy does not flag, or that tenure does, fails
the test too. Lines tenure reports and clang-tidy does not are listed, since
finding more is the point.

A marker whose reason starts with `keep-alive` says clang-tidy's const
reference would dangle there. In a case that is a whole program
(`// RUN-FIXED: asan`), that is checked: for each such line, clang-tidy's own
fix for that line alone is applied, the program is built with
AddressSanitizer and run, and it must fail there (a read of freed memory, or
of the handle the callee reset).

Usage: compare_clang_tidy.py --tools-dir DIR --plugin LIB --include DIR CASE.cpp
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile

PEER_CHECKS = ['performance-unnecessary-value-param',
               'performance-unnecessary-copy-initialization',
               'performance-for-range-copy']
MARKER = re.compile(r'//.*clang-tidy-only:\s*(\S.*)$')
FINDING = re.compile(r'^(.*?):(\d+):(\d+): warning: .* \[([a-z-]+)(?:,[^\]]*)?\]$')


def exported_fixes(path):
    """The diagnostics of a clang-tidy --export-fixes file as
    (offset, [(offset, length, text)]), read without a YAML library."""
    def unquote(value):
        value = value.strip()
        if value.startswith("'"):
            return value[1:-1].replace("''", "'")
        return value.strip('"')
    fixes = []
    for entry in open(path).read().split('\n  - DiagnosticName:')[1:]:
        offset = int(re.search(r'^      FileOffset:\s*(\d+)', entry, re.M).group(1))
        edits = [(int(o), int(n), unquote(t)) for o, n, t in re.findall(
            r'Offset:\s*(\d+)\n\s*Length:\s*(\d+)\n\s*ReplacementText:\s*(.*)', entry)]
        fixes.append((offset, edits))
    return fixes


def check_keep_alive_markers(args, case, text, marked, flags):
    """Each keep-alive line: clang-tidy's fix for it alone makes the
    program read freed memory."""
    keep_alive = {n for n, reason in marked.items() if reason.startswith('keep-alive')}
    if not keep_alive:
        return []
    work = tempfile.mkdtemp(prefix='tenure-keep-alive-')
    try:
        exported = os.path.join(work, 'fixes.yaml')
        subprocess.run([os.path.join(args.tools_dir, 'clang-tidy'),
                        '--checks=-*,' + ','.join(PEER_CHECKS),
                        '--export-fixes=' + exported, case, '--'] + flags,
                       capture_output=True, text=True)
        fixes = exported_fixes(exported) if os.path.exists(exported) else []
        problems = []
        for number in sorted(keep_alive):
            edits = [e for offset, es in fixes
                     if text.count('\n', 0, offset) + 1 == number for e in es]
            if not edits:
                problems.append('line %d: marked keep-alive but clang-tidy offers no fix '
                                'there' % number)
                continue
            fixed = text
            for offset, length, replacement in sorted(edits, reverse=True):
                fixed = fixed[:offset] + replacement + fixed[offset + length:]
            source = os.path.join(work, 'line%d.cpp' % number)
            open(source, 'w').write(fixed)
            program = os.path.join(work, 'line%d' % number)
            built = subprocess.run(
                [os.path.join(args.tools_dir, 'clang++'), '-g', '-fsanitize=address']
                + flags + [source, '-o', program], capture_output=True, text=True)
            if built.returncode != 0:
                problems.append('line %d: clang-tidy\'s fix does not build:\n%s'
                                % (number, built.stderr))
                continue
            env = dict(os.environ, ASAN_OPTIONS='detect_leaks=0')
            ran = subprocess.run([program], capture_output=True, text=True, env=env)
            report = re.search(r'ERROR: AddressSanitizer: (\S+)', ran.stderr)
            if report:
                print('line %d: with clang-tidy\'s const reference the program fails under '
                      'AddressSanitizer (%s), as the keep-alive marker says'
                      % (number, report.group(1)))
            else:
                problems.append('line %d: marked keep-alive, but with clang-tidy\'s fix '
                                'the program runs clean (exit code %d)'
                                % (number, ran.returncode))
        return problems
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--tools-dir', required=True)
    parser.add_argument('--plugin', required=True)
    parser.add_argument('--include', required=True)
    parser.add_argument('case')
    args = parser.parse_args()

    case = os.path.abspath(args.case)
    lines = open(case).read().splitlines()
    text = '\n'.join(lines)
    match = re.search(r'^\s*// CONFIG:(.*)$', text, re.M)
    flags = ['-std=c++20', '-I' + args.include]
    flags_match = re.search(r'^\s*// FLAGS:(.*)$', text, re.M)
    if flags_match:
        flags += flags_match.group(1).split()
    if re.search(r'^\s*// SPLIT\s*$', text, re.M):
        print('SPLIT case: not compared')
        return

    command = [os.path.join(args.tools_dir, 'clang-tidy'), '--load=' + args.plugin,
               '--checks=-*,tenure-needless-copy,' + ','.join(PEER_CHECKS)]
    if match:
        command.append('--config=' + match.group(1).strip())
    command += [case, '--'] + flags
    result = subprocess.run(command, capture_output=True, text=True)
    output = result.stdout + result.stderr
    if result.returncode != 0:
        sys.exit('clang-tidy failed with exit code %d:\n%s' % (result.returncode, output))

    peer, tenure = {}, set()
    for line in output.splitlines():
        found = FINDING.match(line)
        if not found or os.path.abspath(found.group(1)) != case:
            continue
        number, check = int(found.group(2)), found.group(4)
        if check == 'tenure-needless-copy':
            tenure.add(number)
        elif check in PEER_CHECKS:
            peer.setdefault(number, []).append(check)

    marked = {}
    for number, source in enumerate(lines, start=1):
        reason = MARKER.search(source)
        if reason:
            marked[number] = reason.group(1).strip()

    problems = []
    for number in sorted(peer):
        if number in tenure:
            continue
        if number in marked:
            print('line %d: clang-tidy only (%s), intended: %s'
                  % (number, ', '.join(peer[number]), marked[number]))
        else:
            problems.append('line %d: %s reports a copy tenure-needless-copy does not: %s'
                            % (number, ', '.join(peer[number]), lines[number - 1].strip()))
    for number, reason in sorted(marked.items()):
        if number not in peer:
            problems.append('line %d: marked clang-tidy-only (%s) but clang-tidy reports '
                            'nothing there' % (number, reason))
        if number in tenure:
            problems.append('line %d: marked clang-tidy-only (%s) but tenure reports it'
                            % (number, reason))
    for number in sorted(tenure - set(peer)):
        print('line %d: tenure only: %s' % (number, lines[number - 1].strip()))
    print('%d copies found by clang-tidy, %d by tenure, %d by both'
          % (len(peer), len(tenure), len(set(peer) & tenure)))
    if re.search(r'^\s*// RUN-FIXED:\s*asan\s*$', text, re.M):
        problems += check_keep_alive_markers(args, case, text, marked, flags)
    if problems:
        sys.stderr.write('\n'.join(problems) + '\n--- clang-tidy output ---\n' + output)
        sys.stderr.flush()
        sys.exit(1)


if __name__ == '__main__':
    main()
