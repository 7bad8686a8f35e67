#!/usr/bin/env python3
"""tenure's Bazel rules (bazel/) as a Bazel user meets them.

Copies tests/bazel/workspace (a cycle through two cc_library targets, a
cc_binary and a cc_test) into the work directory, adds a WORKSPACE that
takes @tenure from bazel/ and the tenure-analyze under test, and runs Bazel
on it: the report fails the build naming the cycle, the facts actions name
no path of this machine, an undeclared header fails its facts action, the
fixed source builds clean, an edit re-runs one unit's facts, and the
configuration file decides the checks.

  bazel_test.py --tenure-analyze EXE --rules DIR --workspace DIR --work DIR

Without bazel on the PATH it exits 77 (ctest: skipped) saying so. Bazel's
output base and user root live in the work directory, the server is shut
down at the end, and nothing needs network (bazel/offline/).
"""
import argparse
import json
import os
import re
import shutil
import stat
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'analyzer'))
from case_runner import expect  # noqa: E402

SKIP = 77


def remove_tree(path):
    """Bazel leaves read-only files and folders behind."""
    if not os.path.exists(path):
        return

    def writable_again(function, failed, _):
        os.chmod(os.path.dirname(failed), stat.S_IRWXU)
        if os.path.isdir(failed) and not os.path.islink(failed):
            os.chmod(failed, stat.S_IRWXU)
        function(failed)

    shutil.rmtree(path, onerror=writable_again)


class Bazel:
    def __init__(self, exe, workspace, work):
        self.workspace = workspace
        self.startup = [
            exe,
            '--output_user_root=' + os.path.join(work, 'user_root'),
            '--output_base=' + os.path.join(work, 'output_base'),
            '--nohome_rc',
            # A test killed before its shutdown leaves no server for long.
            '--max_idle_secs=120',
            '--host_jvm_args=-Xmx512m',
        ]
        self.log = []

    def run(self, *argv):
        started = time.monotonic()
        result = subprocess.run(self.startup + list(argv), cwd=self.workspace,
                                capture_output=True, text=True)
        took = time.monotonic() - started
        self.log.append('%5.1f s  bazel %s -> %d' % (took, ' '.join(argv), result.returncode))
        print(self.log[-1], flush=True)
        return result.returncode, result.stdout, result.stderr

    def build(self, target, *flags):
        code, out, err = self.run('build', '--subcommands', *flags, target)
        return code, out + err


def facts_units(output):
    """The sources whose facts action ran, from --subcommands' lines."""
    return sorted(re.findall(r"SUBCOMMAND: # \S+ \[action 'tenure: facts of (\S+)'", output))


def strings_in(value):
    if isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from strings_in(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings_in(item)
    elif isinstance(value, str):
        yield value


def edit(path, old, new):
    with open(path) as f:
        text = f.read()
    expect(old in text, 'the workspace has what the test edits', path, old)
    with open(path, 'w') as f:
        f.write(text.replace(old, new))


CYCLE = ('src/left/left.cpp:12:6: warning: strong reference cycle bazel_pair::Right '
         '-left-> bazel_pair::Left -right-> bazel_pair::Right closed here')


def check(args, bazel, ws, machine_paths):
    # 1. The cycle: found only by merging the facts of //src/left and
    # //src/right; the build fails and its log shows the finding.
    code, out = bazel.build('//src/app:tenure')
    expect(code != 0 and CYCLE in out and
           'src/model/include/pair/pair.h:19:25: note:' in out,
           'the report fails the build and shows the cycle', out)
    expect(facts_units(out) == ['src/app/main.cpp', 'src/app/pair_test.cpp',
                                'src/left/left.cpp', 'src/right/right.cpp'],
           'one facts action per source of the cc_binary, the cc_test and the '
           'cc_library targets they depend on', facts_units(out), out)

    # 2. The facts actions are functions of their declared inputs: their
    # command lines and results name no path of this machine (the tool and
    # the system compiler's headers aside).
    code, out, err = bazel.run('aquery', '--include_aspects', '--output=jsonproto',
                               'mnemonic("TenureFacts", deps(//src/app:tenure))')
    expect(code == 0, 'aquery lists the facts actions', err)
    actions = json.loads(out)['actions']
    expect(len(actions) == 4, 'four facts actions', len(actions))
    for action in actions:
        arguments = action['arguments']
        expect(arguments[0] == 'external/tenure_tool/tenure-analyze' and
               '--relative-paths' in arguments and
               not any(a.startswith('/') or any(p in a for p in machine_paths)
                       for a in arguments),
               'a facts command line is relative to the execution root', arguments)
    left = next(a['arguments'] for a in actions if 'src/left/left.cpp' in a['arguments'])
    for flag in ('-DLEFT_UNIT', '-DLEFT_COPTS', '-DPAIR_MODEL=1', '-std=c++17', '-iquote',
                 '-Ibazel-out/k8-fastbuild/bin/src/model/_virtual_includes/model'):
        expect(flag in left, 'the facts step gets the compile flags: ' + flag, left)
    facts = []
    for root, _, files in os.walk(os.path.join(ws, 'bazel-bin/'), followlinks=True):
        facts += [os.path.join(root, f) for f in files if f.endswith('.facts.json')]
    expect(len(facts) == 4, 'four facts files', facts)
    for path in facts:
        with open(path) as f:
            result = json.load(f)
        leaked = [s for s in strings_in(result)
                  if any(p in s for p in machine_paths) or
                  (s.startswith('/') and not s.startswith('/usr/'))]
        expect(not leaked, 'a facts result names no path of this machine', path, leaked[:5])
        inputs = [i['file'] for i in result['inputs'] if not i['file'].startswith('/usr/')]
        expect('src/model/include/pair/pair.h' in inputs,
               'headers are named by their execution path', path, inputs)

    # 3. SARIF for an upload step: written, and the build passes.
    code, out = bazel.build('//src/app:tenure_sarif')
    expect(code == 0, 'fail_on_findings = False passes the build', out)
    with open(os.path.join(ws, 'bazel-bin/src/app/tenure_sarif.sarif')) as f:
        results = json.load(f)['runs'][0]['results']
    expect(len(results) == 1 and results[0]['locations'][0]['physicalLocation']
           ['artifactLocation'] == {'uri': 'src/left/left.cpp', 'uriBaseId': '%SRCROOT%'},
           'the SARIF report has the finding, relative to the workspace', results)

    # 4. A header the target does not declare is not found by its facts
    # action (as by its compile action), though it sits beside the source.
    build_file = os.path.join(ws, 'src/right/BUILD.bazel')
    edit(build_file, '"detail.h",', '')
    code, out = bazel.build('//src/app:tenure')
    expect(code != 0 and re.search(r"tenure: facts of src/right/right.cpp failed", out),
           'an undeclared header fails the facts action', out)
    expect("src/right/right.cpp:1:10: error: 'src/right/detail.h' file not found" in out,
           "the failed action's log names the compiler's error", out)
    edit(build_file, 'srcs = [', 'srcs = ["detail.h",')

    # 5. The fix (a weak back edge): the build passes, with an empty report.
    edit(os.path.join(ws, 'src/model/include/pair/pair.h'),
         'std::shared_ptr<Left> left;', 'std::weak_ptr<Left> left;')
    code, out = bazel.build('//src/app:tenure')
    expect(code == 0 and 'strong reference cycle' not in out,
           'the fixed workspace builds clean', out)
    with open(os.path.join(ws, 'bazel-bin/src/app/tenure.txt')) as f:
        report = f.read()
    expect(report == '', 'the report is empty', report)

    # 6. Incremental: an edit of one source re-runs that unit's facts only.
    with open(os.path.join(ws, 'src/app/main.cpp'), 'a') as f:
        f.write('// edited\n')
    code, out = bazel.build('//src/app:tenure')
    expect(code == 0 and facts_units(out) == ['src/app/main.cpp'],
           'one edited source, one facts action', facts_units(out), out)

    # 7. The configuration is an input of every action and is honoured: the
    # cycle back, but its check turned off, passes (all units re-run).
    edit(os.path.join(ws, 'src/model/include/pair/pair.h'),
         'std::weak_ptr<Left> left;', 'std::shared_ptr<Left> left;')
    edit(os.path.join(ws, 'tenure.clang-tidy'), "'-*,tenure-*'", "'-*,tenure-needless-copy'")
    code, out = bazel.build('//src/app:tenure')
    expect(code == 0 and 'strong reference cycle' not in out and len(facts_units(out)) == 4,
           'a configuration without tenure-ref-cycle reports no cycle', facts_units(out), out)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--tenure-analyze', required=True)
    parser.add_argument('--rules', required=True, help="tenure's bazel/ folder")
    parser.add_argument('--workspace', required=True, help='the workspace to copy')
    parser.add_argument('--work', required=True, help='a folder the test owns')
    args = parser.parse_args()
    exe = shutil.which('bazel')
    if not exe:
        print('SKIPPED: bazel is not on the PATH (Debian 12: apt-get install '
              'bazel-bootstrap, which `make deps` does)')
        return SKIP

    work = os.path.abspath(args.work)
    ws = os.path.join(work, 'workspace')
    rules = os.path.abspath(args.rules)
    remove_tree(work)
    shutil.copytree(args.workspace, ws)
    with open(os.path.join(ws, 'WORKSPACE'), 'w') as f:
        f.write('workspace(name = "tenure_bazel_test")\n\n'
                'local_repository(name = "tenure", path = "%s")\n\n'
                'load("@tenure//:repositories.bzl", "tenure_tool_repository")\n\n'
                'tenure_tool_repository(\n'
                '    name = "tenure_tool",\n'
                '    tenure_analyze = "%s",\n'
                '    config = "//:tenure.clang-tidy",\n'
                ')\n' % (rules, os.path.abspath(args.tenure_analyze)))
    offline = os.path.join(rules, 'offline')
    with open(os.path.join(ws, '.bazelrc'), 'w') as f:
        for repository in ('rules_cc', 'rules_java', 'remote_coverage_tools'):
            f.write('build --override_repository=%s=%s\n'
                    % (repository, os.path.join(offline, repository)))
        # Debian's /etc/bazel/bazelrc turns it on: pages of mount lines.
        f.write('build --nosandbox_debug\n')
        f.write('build --cxxopt=-std=c++17\n')

    bazel = Bazel(exe, ws, work)
    started = time.monotonic()
    try:
        check(args, bazel, ws, [work, os.path.realpath(work)])
    finally:
        bazel.run('shutdown')
        print('bazel.aspect: %.0f s in all' % (time.monotonic() - started))
    return 0


if __name__ == '__main__':
    sys.exit(main())
