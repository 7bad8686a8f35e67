#!/usr/bin/env python3
"""Runs one testdata case through one front end and checks its diagnostics.

The clang-tidy test style: a case is a C++ file whose comments say what must
be reported, `// CHECK-MESSAGES: :[[@LINE-1]]:3: warning: ... [tenure-ref-cycle]`
(notes too), and what the fixed code must contain, `// CHECK-FIXES: ...`.
A case without CHECK-MESSAGES must produce no finding at all.

Directives, each on its own comment line:
  // FLAGS: <extra compiler flags>
  // CONFIG: <.clang-tidy configuration, one line of YAML/JSON>
  // SPLIT      the file holds several files (split-file `//--- name` parts);
                every .cpp part is a translation unit. Only tenure-analyze
                sees all TUs at once, so such cases run with --front-end
                analyze only.
  // RUN-FIXED: asan
                the case is a whole program (standard library only): its
                fixed file is compiled, linked with AddressSanitizer and run,
                and must exit 0 with no sanitizer report. That is how a
                fix-it is shown not to dangle.

Usage: check_testdata.py --front-end plugin|analyze --tools-dir DIR
         --plugin LIB --analyzer EXE --include DIR CASE.cpp
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile


def directive(text, name):
    match = re.search(r'^\s*// %s:(.*)$' % name, text, re.M)
    return match.group(1).strip() if match else None


def fail(message, output=''):
    sys.stderr.write(message + '\n')
    if output:
        sys.stderr.write('--- tool output ---\n' + output + '\n')
    sys.exit(1)


def run_with_asan(tools_dir, flags, source, work):
    """Builds the (fixed) program with AddressSanitizer, runs it, and fails
    unless it exits 0 without a sanitizer report."""
    program = os.path.join(work, 'fixed-program')
    built = subprocess.run(
        [os.path.join(tools_dir, 'clang++'), '-g', '-fsanitize=address',
         '-fno-omit-frame-pointer'] + flags + [source, '-o', program],
        capture_output=True, text=True)
    if built.returncode != 0:
        fail('the fixed program does not build:\n' + built.stderr,
             open(source).read())
    env = dict(os.environ, ASAN_OPTIONS='detect_leaks=0:halt_on_error=1')
    ran = subprocess.run([program], capture_output=True, text=True, env=env)
    if ran.returncode != 0 or 'AddressSanitizer' in ran.stderr:
        fail('the fixed program failed under AddressSanitizer (exit code %d):\n%s'
             % (ran.returncode, ran.stderr), open(source).read())


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--front-end', choices=['plugin', 'analyze'], required=True)
    parser.add_argument('--tools-dir', required=True)
    parser.add_argument('--plugin', required=True)
    parser.add_argument('--analyzer', required=True)
    parser.add_argument('--include', required=True)
    parser.add_argument('case')
    args = parser.parse_args()

    text = open(args.case).read()
    flags = ['-std=c++20', '-I' + args.include]
    flags += (directive(text, 'FLAGS') or '').split()
    config = directive(text, 'CONFIG')
    split = re.search(r'^\s*// SPLIT\s*$', text, re.M) is not None
    check_name = os.path.basename(os.path.dirname(os.path.abspath(args.case)))
    expects_messages = 'CHECK-MESSAGES:' in text
    expects_fixes = 'CHECK-FIXES:' in text

    work = tempfile.mkdtemp(prefix='tenure-testdata-')
    try:
        # CHECK lines become empty comments: the fixed file must not match
        # its own expectations, and line numbers must not move.
        cleaned = re.sub(r'// *CHECK-[A-Z0-9-]*:[^\r\n]*', '//', text)
        if split:
            if args.front_end == 'plugin':
                print('SPLIT case: tenure-analyze only')
                return
            source = os.path.join(work, 'case.txt')
            open(source, 'w').write(cleaned)
            subprocess.run([os.path.join(args.tools_dir, 'split-file'),
                            '--leading-lines', source, work], check=True)
            units = sorted(os.path.join(work, f) for f in os.listdir(work)
                           if f.endswith('.cpp'))
            fixed_file = None
        else:
            fixed_file = os.path.join(work, os.path.basename(args.case))
            open(fixed_file, 'w').write(cleaned)
            units = [fixed_file]

        if args.front_end == 'plugin':
            command = [os.path.join(args.tools_dir, 'clang-tidy'),
                       '--load=' + args.plugin, '--checks=-*,' + check_name,
                       '--fix', '--quiet']
            if config:
                command.append('--config=' + config)
            command += units + ['--'] + flags
        else:
            command = [args.analyzer, '--checks=-*,' + check_name, '--fix', '-j', '2']
            if config:
                command.append('--config=' + config)
            command += units + ['--'] + flags
        result = subprocess.run(command, cwd=work, capture_output=True, text=True)
        output = result.stdout + result.stderr

        if args.front_end == 'plugin' and result.returncode != 0:
            fail('clang-tidy failed with exit code %d' % result.returncode, output)
        if args.front_end == 'analyze':
            wanted = 1 if expects_messages else 0
            if result.returncode != wanted:
                fail('tenure-analyze exit code %d, expected %d'
                     % (result.returncode, wanted), output)

        if expects_messages:
            check = subprocess.run(
                [os.path.join(args.tools_dir, 'FileCheck'), args.case,
                 '--check-prefix=CHECK-MESSAGES',
                 '--implicit-check-not={{warning|error}}:'],
                input=output, capture_output=True, text=True)
            if check.returncode != 0:
                fail('CHECK-MESSAGES failed:\n' + check.stderr, output)
        else:
            reported = [line for line in output.splitlines()
                        if re.search(r': (warning|error): ', line)]
            if reported:
                fail('expected no findings, got:\n' + '\n'.join(reported), output)

        if expects_fixes and fixed_file:
            check = subprocess.run(
                [os.path.join(args.tools_dir, 'FileCheck'), args.case,
                 '--check-prefix=CHECK-FIXES', '--strict-whitespace',
                 '--input-file=' + fixed_file],
                capture_output=True, text=True)
            if check.returncode != 0:
                fail('CHECK-FIXES failed:\n' + check.stderr,
                     open(fixed_file).read())
            # A fix-it must compile.
            compiled = subprocess.run(
                [os.path.join(args.tools_dir, 'clang++'), '-fsyntax-only']
                + flags + [fixed_file], capture_output=True, text=True)
            if compiled.returncode != 0:
                fail('the fixed code does not compile:\n' + compiled.stderr,
                     open(fixed_file).read())
        if directive(text, 'RUN-FIXED') == 'asan' and fixed_file:
            run_with_asan(args.tools_dir, flags, fixed_file, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == '__main__':
    main()
