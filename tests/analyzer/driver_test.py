#!/usr/bin/env python3
"""tenure-analyze as a user meets it: exit codes, formats, bad input.

Each case is a function; ctest runs one per entry:
  driver_test.py --analyzer EXE --plugin LIB --tools-dir DIR --include DIR CASE
"""
import argparse
import json
import os
import pty
import stat
import subprocess
import sys
import threading

from case_runner import expect, run_case
from sarif_check import validate as validate_sarif

LEAK = '''#include <memory>
#include <vector>
struct Owner;
struct Item { std::shared_ptr<Owner> owner; };
struct Owner : std::enable_shared_from_this<Owner> {
  std::vector<std::shared_ptr<Item>> items;
  void add(std::shared_ptr<Item> i) { i->owner = shared_from_this(); items.push_back(std::move(i)); }
};
'''
CLEAN = '''#include <memory>
struct Leaf { std::weak_ptr<Leaf> up; };
int main() { return 0; }
'''


class Case:
    def __init__(self, args, work):
        self.args = args
        self.work = work

    def write(self, name, text):
        path = os.path.join(self.work, name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, 'w') as f:
            f.write(text)
        return path

    def run(self, *argv, cwd=None):
        result = subprocess.run([self.args.analyzer] + list(argv),
                                cwd=cwd or self.work, capture_output=True, text=True)
        return result.returncode, result.stdout, result.stderr

    def compile_db(self, files, flags='-std=c++20'):
        entries = [{'directory': self.work, 'file': f,
                    'command': 'clang++-19 %s -c %s -o %s.o' % (flags, f, f)}
                   for f in files]
        self.write('build/compile_commands.json', json.dumps(entries))
        return os.path.join(self.work, 'build')


def case_exit_codes(c):
    leak = c.write('leak.cpp', LEAK)
    clean = c.write('clean.cpp', CLEAN)
    code, out, err = c.run(clean, '--', '-std=c++20')
    expect(code == 0 and out == '', 'a clean file exits 0 silently', out, err)
    code, out, err = c.run(leak, '--', '-std=c++20')
    expect(code == 1, 'findings exit 1', out, err)
    expect('leak.cpp:7:48: warning: strong reference cycle' in out, 'clang-style text', out)
    expect('1 finding in 1 translation unit' in err, 'summary on stderr', err)


def case_compile_database_and_parallel_units(c):
    files = [c.write('src/leak.cpp', LEAK), c.write('src/clean.cpp', CLEAN)]
    for i in range(4):
        files.append(c.write('src/more%d.cpp' % i, CLEAN))
    build = c.compile_db(files)
    code, out, err = c.run('-p', build, '-j', '2')
    expect(code == 1, '-p runs every file of the database', out, err)
    expect('6 translation units' in err, 'all six analysed', err)
    expect(out.count('warning:') == 1, 'one finding', out)
    code, out, err = c.run('-p', build, files[1])
    expect(code == 0, 'a single file from the database', out, err)


def case_parse_error_other_units_still_analysed(c):
    broken = c.write('broken.cpp', 'int main() { return undefined_name; }\n')
    leak = c.write('leak.cpp', LEAK)
    code, out, err = c.run(broken, leak, '--', '-std=c++20')
    expect(code == 2, 'a parse error exits 2', out, err)
    expect("broken.cpp:1:21: error: use of undeclared identifier 'undefined_name'" in out,
           "clang's error is shown", out)
    expect(out.count('undefined_name') == 1 and 'undefined_name' not in err,
           "clang's error is shown once (the worker's copy is not forwarded)", out, err)
    expect('leak.cpp:7:48: warning:' in out, 'the other TU is still analysed', out)


def case_bad_compile_database(c):
    code, out, err = c.run('-p', os.path.join(c.work, 'nowhere'))
    expect(code == 2 and 'cannot load the compile database' in err
           and err.count('\n') == 1, 'missing database: one line, exit 2', err)
    c.write('bad/compile_commands.json', '{"not": "a list"')
    code, out, err = c.run('-p', os.path.join(c.work, 'bad'))
    expect(code == 2 and 'cannot load the compile database' in err, 'malformed database', err)
    code, out, err = c.run(os.path.join(c.work, 'missing.cpp'), '--', '-std=c++20')
    expect(code == 2 and 'missing.cpp: no such file' in err, 'missing source', err)


def case_bad_configuration(c):
    leak = c.write('leak.cpp', LEAK)
    code, out, err = c.run('--checks=-*,tenure-ref-cycles', leak, '--')
    expect(code == 2 and "unknown check 'tenure-ref-cycles'" in err, 'unknown check', err)
    code, out, err = c.run('--config={Checks: [', leak, '--')
    expect(code == 2 and '--config: malformed configuration' in err, 'bad --config', err)
    code, out, err = c.run('--format=xml', leak, '--')
    expect(code == 2, 'unknown format is a usage error', err)
    c.write('proj/.clang-tidy', 'Checks: [unterminated\n')
    inner = c.write('proj/a.cpp', CLEAN)
    code, out, err = c.run(inner, '--', '-std=c++20')
    expect(code == 2 and '.clang-tidy: malformed configuration' in err,
           'a malformed .clang-tidy is an error, not ignored', err)
    code, out, err = c.run('--checks=-*', leak, '--')
    expect(code == 2 and 'no checks enabled' in err, 'nothing enabled', err)


def case_configuration_is_honoured(c):
    c.write('quiet/.clang-tidy', 'Checks: "-*"\n')
    leak = c.write('quiet/leak.cpp', LEAK)
    code, out, err = c.run(leak, '--', '-std=c++20')
    expect(code == 2 and 'no checks enabled' in err, '.clang-tidy turns checks off', err)
    c.write('custom/.clang-tidy',
            "Checks: '-*,tenure-ref-cycle'\nCheckOptions:\n"
            "  tenure-ref-cycle.StrongHandles: '::std::unique_ptr'\n")
    leak2 = c.write('custom/leak.cpp', LEAK)
    code, out, err = c.run(leak2, '--', '-std=c++20')
    expect(code == 0, 'options from .clang-tidy: shared_ptr no longer strong', out, err)


def case_sarif_and_json(c):
    leak = c.write('leak.cpp', LEAK)
    sarif_path = os.path.join(c.work, 'out.sarif')
    code, out, err = c.run('--format=sarif', '--output=' + sarif_path, leak, '--', '-std=c++20')
    expect(code == 1 and out == '', 'report goes to --output', out, err)
    sarif = json.load(open(sarif_path))
    expect(sarif['version'] == '2.1.0', 'SARIF 2.1.0')
    run = sarif['runs'][0]
    expect(run['tool']['driver']['rules'][0]['id'] == 'tenure-ref-cycle', 'rule per check')
    code, version, err = c.run('--version')
    expect(code == 0 and version.startswith('tenure-analyze '), '--version', version, err)
    expect(run['tool']['driver']['version'] == version.split()[1],
           'SARIF names the version --version prints', version, json.dumps(run['tool']))
    result = run['results'][0]
    expect(result['locations'][0]['physicalLocation']['artifactLocation']['uri'] == 'leak.cpp',
           'relative uri', json.dumps(result))
    expect(len(result['relatedLocations']) == 2, 'an edge per related location')
    first = result['partialFingerprints']

    # Moving the code down keeps the fingerprint.
    c.write('leak.cpp', '\n\n// moved\n' + LEAK)
    c.run('--format=sarif', '--output=' + sarif_path, leak, '--', '-std=c++20')
    moved = json.load(open(sarif_path))['runs'][0]['results'][0]
    expect(moved['partialFingerprints'] == first, 'fingerprints ignore line numbers')
    expect(moved['locations'][0]['physicalLocation']['region']['startLine'] == 10, 'moved')

    code, out, err = c.run('--format=json', leak, '--', '-std=c++20')
    findings = json.loads(out)['findings']
    expect(len(findings) == 1 and findings[0]['check'] == 'tenure-ref-cycle'
           and len(findings[0]['notes']) == 2, 'JSON findings', out)


def case_output_is_never_half_written(c):
    leak = c.write('leak.cpp', LEAK)
    target = c.write('report.txt', 'previous report\n')
    code, out, err = c.run('--output=' + os.path.join(c.work, 'no/such/dir/r.txt'),
                           leak, '--', '-std=c++20')
    expect(code == 2 and 'cannot write the report' in err, 'unwritable output', err)
    code, out, err = c.run('--checks=-*,nonexistent-check', '--output=' + target, leak, '--')
    expect(open(target).read() == 'previous report\n', 'a failed run keeps the old report')


def case_per_tu_facts_and_merge(c):
    leak = c.write('leak.cpp', LEAK)
    facts = os.path.join(c.work, 'leak.facts.json')
    code, out, err = c.run('--emit-facts=' + facts, leak, '--', '-std=c++20')
    expect(code == 0 and os.path.exists(facts), 'the per-TU step writes its facts', err)
    code, out, err = c.run('--merge-facts', facts)
    expect(code == 1 and 'strong reference cycle' in out, 'the merge step reports', out, err)
    # A failing facts action says why in the build's log, not only
    # "1 error generated.".
    broken = c.write('broken.cpp', '#include "missing.h"\nint f() { return 0; }\n')
    code, out, err = c.run('--emit-facts=' + os.path.join(c.work, 'broken.facts.json'),
                           broken, '--', '-std=c++20', cwd=c.work)
    expect(code == 2 and "broken.cpp:1:10: error: 'missing.h' file not found "
           '[clang-diagnostic-error]' in out, 'the per-TU step prints its compiler errors',
           out, err)
    bad = c.write('bad.json', '{"version": 1}')
    code, out, err = c.run('--merge-facts', bad)
    expect(code == 2 and 'bad.json: not a tenure-analyze --emit-facts file' in err,
           'a malformed facts file', err)


PAIR_HEADER = '''#include <memory>
struct Right;
struct Left : std::enable_shared_from_this<Left> {
  std::shared_ptr<Right> right;
  void attach(const std::shared_ptr<Right>& r);
};
struct Right { std::shared_ptr<Left> left; void set_left(std::shared_ptr<Left> l); };
'''
PAIR_LEFT = '''#include "pair.h"
void Left::attach(const std::shared_ptr<Right>& r) { right = r; r->set_left(shared_from_this()); }
'''
PAIR_RIGHT = '''#include "pair.h"
void Right::set_left(std::shared_ptr<Left> l) { left = std::move(l); }
'''


def sandbox(c, tree, name, links):
    """A build action's sandbox: links at the execution paths to the files
    of a source tree elsewhere, as Bazel's linux-sandbox makes them."""
    root = os.path.join(c.work, name)
    for link in links:
        os.makedirs(os.path.dirname(os.path.join(root, link)), exist_ok=True)
        os.symlink(os.path.join(tree, link), os.path.join(root, link))
    return root


def case_relative_paths_for_sandboxed_actions(c):
    trees = []
    for tree in ('checkout-a/ws', 'elsewhere/checkout-b'):
        c.write(tree + '/src/pair.h', PAIR_HEADER)
        c.write(tree + '/src/left.cpp', PAIR_LEFT)
        c.write(tree + '/src/right.cpp', PAIR_RIGHT)
        trees.append(os.path.join(c.work, tree))
    flags = ['--', '-std=c++20']
    results = []
    for i, tree in enumerate(trees):
        facts = []
        for unit in ('left', 'right'):
            box = sandbox(c, tree, 'sandbox-%d-%s' % (i, unit),
                          ['src/%s.cpp' % unit, 'src/pair.h'])
            code, out, err = c.run('--emit-facts=facts.json', '--relative-paths',
                                   '--depfile=facts.d', 'src/%s.cpp' % unit, *flags,
                                   cwd=box)
            expect(code == 0, 'the sandboxed per-TU step runs', err)
            with open(os.path.join(box, 'facts.json')) as f:
                facts.append(f.read())
            with open(os.path.join(box, 'facts.d')) as f:
                depfile = f.read()
            expect('src/pair.h' in depfile and c.work not in depfile,
                   'the depfile names the inputs by their execution paths', depfile)
        results.append(facts)
        expect(c.work not in ''.join(facts),
               'the result names no path of the machine outside the system headers',
               facts[0][:2000])
    expect(results[0] == results[1],
           'two checkouts at different places give byte-identical facts: the step '
           'is a function of its inputs')
    merge = os.path.join(c.work, 'merge')
    os.makedirs(merge)
    for unit, text in zip(('left', 'right'), results[0]):
        c.write('merge/%s.json' % unit, text)
    code, out, err = c.run('--merge-facts', 'left.json', 'right.json', cwd=merge)
    expect(code == 1 and 'src/left.cpp:2:' in out and 'src/pair.h:' in out
           and c.work not in out, 'the merge reports at the execution paths', out, err)
    code, out, err = c.run('--merge-facts', 'left.json', 'right.json', '--format=sarif',
                           cwd=merge)
    artifact = json.loads(out)['runs'][0]['results'][0]['locations'][0][
        'physicalLocation']['artifactLocation']
    expect(artifact == {'uri': 'src/left.cpp', 'uriBaseId': '%SRCROOT%'},
           'SARIF gives a relative path relative to the root', artifact)
    # A header the action does not declare is not found beside the source's
    # real path (without the flag it would be: the real path is followed).
    box = sandbox(c, trees[0], 'sandbox-undeclared', ['src/left.cpp'])
    code, out, err = c.run('--emit-facts=facts.json', '--relative-paths',
                           'src/left.cpp', *flags, cwd=box)
    with open(os.path.join(box, 'facts.json')) as f:
        written = f.read()
    expect(code == 2 and "'pair.h' file not found" in written,
           'an undeclared header is an error, as in the compile action', code, err,
           written)
    code, out, err = c.run('--relative-paths', 'src/left.cpp', *flags, cwd=box)
    expect(code == 2 and '--relative-paths belongs to the per-TU step' in err,
           '--relative-paths without --emit-facts is a usage error', err)


CACHED_HEADER = '#include <memory>\nstruct Leaf { std::weak_ptr<Leaf> up; };\n'
CACHED_SOURCE = '#include "leaf.h"\nint leaves() { return 1; }\n'


def cached_project(c):
    leak = c.write('src/leak.cpp', LEAK)
    leaf = c.write('src/leaf.cpp', CACHED_SOURCE)
    c.write('src/leaf.h', CACHED_HEADER)
    return c.compile_db([leak, leaf])


def cache_line(err):
    lines = [l for l in err.splitlines() if 'tenure-analyze: cache ' in l]
    return lines[0] if lines else ''


def case_facts_cache(c):
    build = cached_project(c)
    cache = os.path.join(c.work, 'cache')
    code, first, err = c.run('-p', build, '--cache-dir=' + cache)
    expect(code == 1 and 'strong reference cycle' in first, 'first run reports', first, err)
    expect('0 hits, 2 misses' in cache_line(err), 'first run misses every unit', err)

    code, again, err = c.run('-p', build, '--cache-dir=' + cache)
    expect(code == 1 and again == first, 'a cached run reports the same', again, err)
    expect('2 hits, 0 misses' in cache_line(err), 'nothing changed: nothing parsed', err)

    # A change to a header re-analyses the unit that includes it, and the
    # finding it adds is reported.
    c.write('src/leaf.h', CACHED_HEADER +
            'struct Ring { std::shared_ptr<Ring> next; };\n'
            'inline void close(std::shared_ptr<Ring> r) { r->next = r; }\n')
    code, out, err = c.run('-p', build, '--cache-dir=' + cache)
    expect('1 hit, 1 miss' in cache_line(err), 'only the including unit is redone', err)
    expect('leaf.h' in out and 'Ring' in out, 'the header change is seen', out)

    # The configuration is part of the key: other checks, other results.
    code, out, err = c.run('-p', build, '--cache-dir=' + cache,
                           '--checks=-*,tenure-needless-copy')
    expect(code == 1 and '0 hits, 2 misses' in cache_line(err),
           'another configuration is another entry', out, err)

    # A damaged entry is recomputed, never trusted.
    entries = [os.path.join(d, f) for d, _, fs in os.walk(cache) for f in fs]
    expect(len(entries) >= 2, 'one entry per unit and configuration', entries)
    for entry in entries:
        with open(entry, 'r+') as f:
            f.truncate(len(f.read()) // 2)
    code, out, err = c.run('-p', build, '--cache-dir=' + cache)
    expect(code == 1 and 'Ring' in out and 'strong reference cycle' in out,
           'damaged entries: the findings are still right', out, err)
    expect('unreadable entr' in cache_line(err), 'damaged entries are said so', err)
    code, out, err = c.run('-p', build, '--cache-dir=' + cache)
    expect('2 hits, 0 misses' in cache_line(err), 'and rewritten', err)

    # The environment variable, for CI caches.
    env_cache = os.path.join(c.work, 'env-cache')
    result = subprocess.run([c.args.analyzer, '-p', build], cwd=c.work,
                            capture_output=True, text=True,
                            env=dict(os.environ, TENURE_CACHE_DIR=env_cache))
    expect(result.returncode == 1 and os.path.isdir(env_cache)
           and env_cache in cache_line(result.stderr), 'TENURE_CACHE_DIR', result.stderr)
    code, out, err = c.run('-p', build)
    expect(cache_line(err) == '', 'no cache without the flag or the variable', err)


def case_facts_cache_shadowing_header(c):
    # <node.h> and "conf.h" are found in the second include folder; the
    # same parse would read a file of that name put earlier on the path.
    c.write('inc2/node.h', '#include <memory>\nstruct Node { std::weak_ptr<Node> next; };\n')
    c.write('inc2/conf.h', 'inline int conf() { return 1; }\n')
    use = c.write('src/use.cpp', '#include <node.h>\n#include "conf.h"\n'
                  'int use() { return conf(); }\n')
    build = c.compile_db([use], flags='-std=c++20 -I%s/inc1 -I%s/inc2' % (c.work, c.work))
    cache = os.path.join(c.work, 'cache')
    code, out, err = c.run('-p', build, '--cache-dir=' + cache)
    expect(code == 0 and '0 hits, 1 miss' in cache_line(err), 'first run', out, err)
    code, out, err = c.run('-p', build, '--cache-dir=' + cache)
    expect('1 hit, 0 misses' in cache_line(err),
           'system headers and their #include_next keep the entry valid', err)

    # inc1 did not exist, so the parse skipped it: once it does, it is read.
    c.write('inc1/other.h', 'int other();\n')
    code, out, err = c.run('-p', build, '--cache-dir=' + cache)
    expect('0 hits, 1 miss' in cache_line(err), 'an include folder that appears', err)
    c.write('inc1/another.h', 'int another();\n')
    code, out, err = c.run('-p', build, '--cache-dir=' + cache)
    expect('1 hit, 0 misses' in cache_line(err), 'a header of another name shadows nothing', err)

    c.write('inc1/node.h', '#include <memory>\nstruct Node { std::shared_ptr<Node> next; };\n'
            'inline void loop(std::shared_ptr<Node> n) { n->next = n; }\n')
    code, out, err = c.run('-p', build, '--cache-dir=' + cache)
    expect(code == 1 and '0 hits, 1 miss' in cache_line(err) and 'inc1/node.h' in out,
           'a header put earlier on the include path is read', out, err)
    code, out, err = c.run('-p', build, '--cache-dir=' + cache)
    expect(code == 1 and '1 hit, 0 misses' in cache_line(err), 'and cached in turn', out, err)

    c.write('src/conf.h', 'inline int conf() { return 2; }\n')
    code, out, err = c.run('-p', build, '--cache-dir=' + cache)
    expect('0 hits, 1 miss' in cache_line(err),
           'a quoted include: a header beside the includer comes first', out, err)


def run_on_terminal(c, *argv):
    """stdout and stderr of tenure-analyze run on a pseudo-terminal."""
    pid, fd = pty.fork()
    if pid == 0:
        os.chdir(c.work)
        os.execv(c.args.analyzer, [c.args.analyzer] + list(argv))
    out = b''
    while True:
        try:
            data = os.read(fd, 4096)
        except OSError:
            break
        if not data:
            break
        out += data
    os.waitpid(pid, 0)
    return out.decode()


def case_progress_on_a_terminal(c):
    build = cached_project(c)
    cache = os.path.join(c.work, 'cache')
    shown = run_on_terminal(c, '-p', build, '--cache-dir=' + cache)
    expect('[1/2] ' in shown and '[2/2] ' in shown and 'leaf.cpp' in shown,
           'a terminal sees which unit is done', shown)
    shown = run_on_terminal(c, '-p', build, '--cache-dir=' + cache)
    expect('(cached)' in shown, 'and which came from the cache', shown)
    code, out, err = c.run('-p', build, '--cache-dir=' + cache)
    expect('[1/2]' not in err and '[1/2]' not in out, 'logs get the report alone', out, err)


def case_facts_cache_bad_input(c):
    build = cached_project(c)
    plain = c.write('not-a-dir', 'x')
    code, out, err = c.run('-p', build, '--cache-dir=' + plain)
    expect(code == 2 and out == '' and len(err.strip().splitlines()) == 1
           and 'not-a-dir' in err, 'a file as cache directory is one error line', out, err)
    code, out, err = c.run('-p', build, '--cache-dir=')
    expect(code == 2 and 'empty' in err, 'an empty cache directory name', out, err)
    # A unit with compiler errors is not kept: the header it misses may appear.
    broken = c.write('src/broken.cpp', '#include "later.h"\nint x = later();\n')
    build = c.compile_db([broken])
    cache = os.path.join(c.work, 'cache')
    code, out, err = c.run('-p', build, '--cache-dir=' + cache)
    expect(code == 2, 'a missing header is an error', out, err)
    c.write('src/later.h', 'inline int later() { return 1; }\n')
    code, out, err = c.run('-p', build, '--cache-dir=' + cache)
    expect(code == 0 and '0 hits, 1 miss' in cache_line(err),
           'the header that appeared is read', out, err)


def case_facts_cache_concurrent_runs(c):
    build = cached_project(c)
    cache = os.path.join(c.work, 'cache')
    runs = [subprocess.Popen([c.args.analyzer, '-p', build, '--cache-dir=' + cache, '-j', '1'],
                             cwd=c.work, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True) for _ in range(3)]
    outputs = [r.communicate() + (r.returncode,) for r in runs]
    expect(all(code == 1 for _, _, code in outputs), 'every concurrent run reports', outputs)
    expect(len({out for out, _, _ in outputs}) == 1, 'and reports the same', outputs)
    code, out, err = c.run('-p', build, '--cache-dir=' + cache)
    expect(code == 1 and out == outputs[0][0] and '2 hits, 0 misses' in cache_line(err),
           'entries written concurrently read back whole', out, err)


def git(c, *argv):
    subprocess.run(['git', '-c', 'user.name=tenure', '-c', 'user.email=tenure@example.invalid',
                    '-c', 'init.defaultBranch=main'] + list(argv),
                   cwd=c.work, check=True, capture_output=True)


RING = '''#include <memory>
struct Ring { std::shared_ptr<Ring> next; };
void close(std::shared_ptr<Ring> r) { r->next = r; }
'''


def case_changed_since(c):
    old = c.write('old.cpp', LEAK)
    new = c.write('new.cpp', CLEAN)
    build = c.compile_db([old, new])
    git(c, 'init', '-q')
    git(c, 'add', 'old.cpp', 'new.cpp')
    git(c, 'commit', '-q', '-m', 'base')
    code, out, err = c.run('-p', build, '--changed-since=HEAD')
    expect(code == 0 and out == '', 'no change: the old finding is not reported', out, err)

    c.write('new.cpp', CLEAN + RING)  # an unstaged change adds a cycle
    code, out, err = c.run('-p', build, '--changed-since=HEAD')
    expect(code == 1 and 'new.cpp:6:' in out and 'old.cpp' not in out,
           'only the finding on a changed line', out, err)
    git(c, 'commit', '-q', '-am', 'ring')
    code, out, err = c.run('-p', build, '--changed-since=HEAD~1')
    expect(code == 1 and 'new.cpp:6:' in out and 'old.cpp' not in out,
           'committed changes since the revision count', out, err)
    # untracked: every line is new (its own type: one definition per program)
    extra = c.write('extra.cpp', RING.replace('Ring', 'Loop'))
    build = c.compile_db([old, new, extra])
    code, out, err = c.run('-p', build, '--changed-since=HEAD')
    expect(code == 1 and 'extra.cpp:3:' in out and 'new.cpp' not in out,
           'an untracked file is new in every line', out, err)

    code, out, err = c.run('-p', build, '--changed-since=no-such-rev')
    expect(code == 2 and out == '' and len(err.strip().splitlines()) == 1
           and '--changed-since=no-such-rev' in err, 'a bad revision is one error line', out, err)
    code, out, err = c.run('-p', build, '--changed-since=HEAD', '--line-filter=[]')
    expect(code == 2 and 'cannot be used together' in err, 'one filter at a time', err)


def case_line_filter(c):
    leak = c.write('src/leak.cpp', LEAK)
    ring = c.write('src/ring.cpp', RING)
    build = c.compile_db([leak, ring])
    code, out, err = c.run('-p', build, '--line-filter=[{"name":"src/ring.cpp","lines":[[3,3]]}]')
    expect(code == 1 and 'ring.cpp:3:' in out and 'leak.cpp' not in out,
           "clang-tidy's line filter", out, err)
    code, out, err = c.run('-p', build, '--line-filter=[{"name":"src/ring.cpp","lines":[[1,2]]}]')
    expect(code == 0 and out == '', 'nothing on the chosen lines: the gate passes', out, err)
    code, out, err = c.run('-p', build, '--line-filter=[{"name":"leak.cpp"}]')
    expect(code == 1 and 'leak.cpp:7:' in out and 'ring.cpp' not in out,
           'a name alone takes the whole file', out, err)
    code, out, err = c.run('-p', build, '--line-filter={"name":"a"}')
    expect(code == 2 and out == '' and 'malformed line filter' in err,
           'a malformed filter is one error line', out, err)


def case_fix_applies_the_weak_handle(c):
    leak = c.write('leak.cpp', LEAK)
    code, out, err = c.run('--fix', leak, '--', '-std=c++20')
    fixed = open(leak).read()
    expect('struct Item { std::weak_ptr<Owner> owner; };' in fixed, 'fix applied', fixed)
    code, out, err = c.run(leak, '--', '-std=c++20')
    expect(code == 0, 'the fixed code has no cycle', out)


def case_fix_changes_the_header_too(c):
    # tenure-needless-copy changes a signature in the header and in the .cpp
    # that defines it; the fixed program must still compile and link.
    c.write('scene.h', """#pragma once
#include <memory>
#include <vector>
struct Node { int weight = 0; };
class Scene {
public:
  int weigh(std::shared_ptr<Node> node) const;
  void add(std::shared_ptr<Node> node);
private:
  std::vector<std::shared_ptr<Node>> nodes_;
};
""")
    scene = c.write('scene.cpp', """#include "scene.h"
int Scene::weigh(std::shared_ptr<Node> node) const { return node->weight; }
void Scene::add(std::shared_ptr<Node> node) { nodes_.push_back(node); }
""")
    main = c.write('main.cpp', """#include "scene.h"
int main() {
  Scene s;
  auto n = std::make_shared<Node>();
  s.add(n);
  return s.weigh(n);
}
""")
    build = c.compile_db([scene, main])
    code, out, err = c.run('--checks=-*,tenure-needless-copy', '-p', build)
    expect(code == 1 and out.count('[tenure-needless-copy]') == 2,
           'two findings before the fix', out, err)
    code, out, err = c.run('--checks=-*,tenure-needless-copy', '--fix', '-p', build)
    header = open(os.path.join(c.work, 'scene.h')).read()
    source = open(scene).read()
    expect('int weigh(const std::shared_ptr<Node>& node) const;' in header,
           'the declaration in the header changed', header)
    expect('int Scene::weigh(const std::shared_ptr<Node>& node) const {' in source
           and 'nodes_.push_back(std::move(node));' in source,
           'the definition changed and the store moves', source)
    linked = subprocess.run([os.path.join(c.args.tools_dir, 'clang++'), '-std=c++20',
                             scene, main, '-o', os.path.join(c.work, 'app')],
                            capture_output=True, text=True)
    expect(linked.returncode == 0, 'the fixed program compiles and links', linked.stderr)
    code, out, err = c.run('--checks=-*,tenure-needless-copy', '-p', build)
    expect(code == 0, 'nothing left to report after the fix', out, err)


def case_plugin_through_cmake_clang_tidy(c):
    source = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'tidy_consumer')
    tidy = ';'.join([os.path.join(c.args.tools_dir, 'clang-tidy'),
                     '--load=' + c.args.plugin, '--checks=-*,tenure-*',
                     '--warnings-as-errors=tenure-*'])
    build = os.path.join(c.work, 'build')
    subprocess.run(['cmake', '-S', source, '-B', build, '-G', 'Ninja',
                    '-DCMAKE_CXX_COMPILER=' + os.path.join(c.args.tools_dir, 'clang++'),
                    '-DCMAKE_CXX_CLANG_TIDY=' + tidy], check=True, capture_output=True)
    result = subprocess.run(['cmake', '--build', build], capture_output=True, text=True)
    expect(result.returncode != 0, 'the finding fails the build', result.stdout)
    expect('leaky.cpp:7:14: error: strong reference cycle Session -on_done_-> Session'
           in result.stdout and '[tenure-ref-cycle,-warnings-as-errors]' in result.stdout,
           'reported through CMAKE_CXX_CLANG_TIDY', result.stdout)


def case_own_tree(c):
    # Every TU of tenure's own build, LLVM's and Clang's headers included:
    # no crash, no parse error, findings only where cycles and growth are
    # intended (tests, benchmarks, the demo).
    code, out, err = c.run('-p', c.args.build_dir, '-j', '2')
    expect(code in (0, 1), 'exit 0 or 1 on our own tree, got %d' % code, err)
    expect('analysis failed' not in err and 'error:' not in out, 'no failures', out, err)
    for line in out.splitlines():
        if ': warning: ' in line:
            expect('/tests/' in line or '/examples/' in line or '/bench/' in line,
                   'findings only in tests, benchmarks and the demo', line)


SCENE = '''#include <map>
#include <memory>
#include <string>
struct Node { int weight = 0; };
class Scene {
public:
  int weigh(std::shared_ptr<Node> node) const { return node->weight; }
  std::shared_ptr<Node> named(const std::string &name) {
    auto node = std::make_shared<Node>();
    by_name_[name] = node;
    return node;
  }
private:
  std::map<std::string, std::shared_ptr<Node>> by_name_;
};
'''
NEW_COPY = '''int total(std::shared_ptr<Node> a) { return a->weight; }
'''


def baseline_project(c):
    leak = c.write('src/leak.cpp', LEAK)
    scene = c.write('src/scene.cpp', SCENE)
    return leak, scene, c.compile_db([leak, scene])


def case_findings_carry_their_declaration(c):
    leak, scene, build = baseline_project(c)
    code, out, err = c.run('--format=json', '-p', build)
    contexts = sorted((f['check'], f['context']) for f in json.loads(out)['findings'])
    expect(contexts == [('tenure-needless-copy', 'Scene::weigh'),
                        ('tenure-ref-cycle', 'Item::owner'),
                        ('tenure-unbounded-cache', 'Scene::by_name_')],
           'each finding names its enclosing declaration', contexts, err)

    include = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'include')
    traced = c.write('src/node.cpp', """#include <tenure/tenure.h>
namespace app {
class Node : public tenure::Object {
 public:
  tenure::Ref<Node> next;
  tenure::Ref<Node> prev;
  void trace(tenure::Tracer &t) override { t(next); }
};
}  // namespace app
""")
    code, out, err = c.run('--format=json', '--checks=-*,tenure-untraced-field', traced,
                           '--', '-std=c++20', '-I' + include)
    contexts = [(f['check'], f['context']) for f in json.loads(out)['findings']]
    expect(contexts == [('tenure-untraced-field', 'app::Node::trace')],
           'an untraced field is reported in the trace() it is missing from', contexts, err)


def case_baseline_accepts_findings_that_moved(c):
    leak, scene, build = baseline_project(c)
    code, out, err = c.run('-p', build, '--write-baseline=tenure-baseline.json')
    expect(code == 0, '--write-baseline exits 0 with findings', out, err)
    expect('recorded 3 findings in tenure-baseline.json' in err, 'says what it recorded', err)
    baseline = json.load(open(os.path.join(c.work, 'tenure-baseline.json')))
    expect(baseline['tenure_baseline'] == 1 and len(baseline['findings']) == 3
           and all(f['file'].startswith('src/') for f in baseline['findings'])
           and not any('line' in f for f in baseline['findings']),
           'versioned, relative paths, no line numbers', baseline)

    # Code added above every finding: the lines move, nothing is new.
    c.write('src/leak.cpp', '// a header comment\n#include <string>\n\n' + LEAK)
    c.write('src/scene.cpp', '#include <vector>\n' + SCENE.replace(
        'class Scene {', 'int unrelated() { return 1; }\n\nclass Scene {'))
    code, out, err = c.run('-p', build, '--baseline=tenure-baseline.json')
    expect(code == 0 and out == '', 'moved findings stay accepted', out, err)
    expect('3 findings accepted by the baseline tenure-baseline.json' in err, 'a note', err)


def case_baseline_reports_only_new_findings(c):
    leak, scene, build = baseline_project(c)
    c.run('-p', build, '--write-baseline=tenure-baseline.json')
    c.write('src/scene.cpp', SCENE + NEW_COPY)
    code, out, err = c.run('-p', build, '--baseline=tenure-baseline.json')
    expect(code == 1, 'a new finding fails the gate', out, err)
    expect(out.count('warning:') == 1 and "parameter 'a'" in out, 'only the new one', out)
    expect('1 finding in 2 translation units' in err, 'the summary counts new findings', err)

    # One more identical copy in the same function is new too: the baseline
    # accepted one copy there, not every copy there may ever be.
    block = '  { std::shared_ptr<Node> copy = n; sum += copy->weight; }\n'
    twice = ('int twice(const std::shared_ptr<Node> &n) {\n  int sum = 0;\n%s'
             '  return sum;\n}\n')
    c.write('src/scene.cpp', SCENE + twice % block)
    c.run('-p', build, '--write-baseline=tenure-baseline.json')
    c.write('src/scene.cpp', SCENE + twice % (block * 2))
    code, out, err = c.run('-p', build, '--baseline=tenure-baseline.json')
    expect(code == 1 and out.count("local 'copy'") == 1, 'a second identical finding is new',
           out, err)


def case_baseline_drops_fixed_findings(c):
    leak, scene, build = baseline_project(c)
    path = os.path.join(c.work, 'tenure-baseline.json')
    c.run('-p', build, '--write-baseline=' + path)
    fixed = SCENE.replace('int weigh(std::shared_ptr<Node> node)',
                          'int weigh(const std::shared_ptr<Node> &node)')
    c.write('src/scene.cpp', fixed + NEW_COPY)
    code, out, err = c.run('-p', build, '--baseline=' + path)
    expect(code == 1 and '2 findings accepted by the baseline' in err
           and '1 baseline entry no longer matches' in err, 'a fixed finding is noted', out, err)

    # Both flags: the fixed entry drops out, the new finding is not accepted,
    # and the run still gates on it.
    code, out, err = c.run('-p', build, '--baseline=' + path, '--write-baseline=' + path)
    expect(code == 1 and "parameter 'a'" in out, 'updating still reports the new one', out, err)
    entries = json.load(open(path))['findings']
    expect(sorted(e['check'] for e in entries) ==
           ['tenure-ref-cycle', 'tenure-unbounded-cache'], 'fixed dropped, new not added', entries)

    # --write-baseline alone accepts everything there is now.
    code, out, err = c.run('-p', build, '--write-baseline=' + path)
    entries = json.load(open(path))['findings']
    expect(code == 0 and len(entries) == 3 and
           any(e['context'] == 'total' for e in entries), 'rewrite records the new one', entries)
    code, out, err = c.run('-p', build, '--baseline=' + path)
    expect(code == 0 and out == '', 'clean against the rewritten baseline', out, err)


def case_bad_baseline(c):
    leak, scene, build = baseline_project(c)
    report = c.write('report.txt', 'previous report\n')

    def rejected(name, text, message):
        path = c.write(name, text)
        code, out, err = c.run('-p', build, '--baseline=' + path,
                               '--write-baseline=' + path, '--output=' + report)
        expect(code == 2, name + ': exit 2', out, err)
        expect(err.count('\n') == 1 and message in err, name + ': one line naming it', err)
        expect(open(path).read() == text, name + ': the baseline is left alone')
        expect(open(report).read() == 'previous report\n', name + ': no report written')

    rejected('truncated.json', '{"tenure_baseline": 1, "findings": [',
             'truncated.json: malformed baseline: ')
    rejected('entry.json', '{"tenure_baseline": 1, "findings": [{"check": "c"}]}',
             'entry.json: malformed baseline: missing value at findings[0].file')
    rejected('newer.json', '{"tenure_baseline": 7, "findings": []}',
             'newer.json: baseline version 7 is newer than this tenure-analyze reads (1)')
    rejected('other.json', '{"version": 1, "findings": []}',
             'other.json: not a tenure baseline')
    rejected('stale.json', json.dumps({'tenure_baseline': 1, 'findings': [
        {'check': 'tenure-ref-cycle', 'file': 'lib/gone.cpp', 'context': 'A::b', 'key': 'k'}]}),
             'stale.json: stale baseline: none of the 1 file it names exists under ')
    code, out, err = c.run('-p', build, '--baseline=' + os.path.join(c.work, 'missing.json'))
    expect(code == 2 and 'missing.json: cannot read the baseline' in err, 'missing baseline', err)

    code, out, err = c.run('-p', build, '--write-baseline=' + os.path.join(c.work, 'no/dir/b.json'))
    expect(code == 2 and 'no/dir/b.json: cannot write the baseline' in err, 'unwritable', err)

    # A run that could not analyse every file records nothing.
    c.write('src/scene.cpp', SCENE + 'int broken() { return undefined_name; }\n')
    path = os.path.join(c.work, 'fresh.json')
    code, out, err = c.run('-p', build, '--write-baseline=' + path)
    expect(code == 2 and not os.path.exists(path) and 'not writing the baseline' in err,
           'no baseline from a run with compiler errors', out, err)


def case_fail_on(c):
    leak = c.write('leak.cpp', LEAK)
    code, out, err = c.run('--fail-on=confirmed', leak, '--', '-std=c++20')
    expect(code == 0 and 'strong reference cycle' in out,
           'nothing confirmed (no evidence): findings printed, exit 0', out, err)
    expect('--fail-on=confirmed without --evidence' in err, 'says the gate cannot fail', err)
    code, out, err = c.run('--fail-on=warning', leak, '--', '-std=c++20')
    expect(code == 1, '--fail-on=warning is the default gate', out, err)

    def evidence_of(*cycles):
        return c.write('ev.json', json.dumps({
            'tenure_evidence': 1, 'growth': [], 'copies': [],
            'cycles': [{'types': types, 'fields': fields, 'count': 2, 'sites': [],
                        'tests': ['Suite.Test']} for types, fields in cycles]}))
    confirms = evidence_of((['Item', 'Owner'], ['owner', 'items']))
    code, out, err = c.run('--fail-on=confirmed', '--evidence=' + confirms, leak,
                           '--', '-std=c++20')
    expect(code == 1 and '[confirmed at runtime: 2 cycles in 1 test]' in out,
           'a confirmed finding fails the gate', out, err)
    elsewhere = evidence_of((['other::A', 'other::B'], ['b', 'a']))
    code, out, err = c.run('--fail-on=confirmed', '--evidence=' + elsewhere, leak,
                           '--', '-std=c++20')
    expect(code == 0 and 'strong reference cycle' in out,
           'unconfirmed findings are shown but pass', out, err)
    ring = c.write('ring.cpp', LEAK + 'struct Ring { std::shared_ptr<Ring> next; };\n')
    runtime_only = evidence_of((['Ring'], ['next']))
    code, out, err = c.run('--fail-on=confirmed', '--evidence=' + runtime_only, ring,
                           '--', '-std=c++20')
    expect(code == 1 and '[runtime-only]' in out, 'a runtime-only cycle fails the gate',
           out, err)
    code, out, err = c.run('--fail-on=everything', leak, '--', '-std=c++20')
    expect(code == 2 and 'everything' in err, 'a bad --fail-on is a usage error', err)
    broken = c.write('broken.cpp', 'int main() { return undefined_name; }\n')
    code, out, err = c.run('--fail-on=confirmed', broken, '--', '-std=c++20')
    expect(code == 2, 'compiler errors still exit 2', out, err)


def case_ci_examples(c):
    # docs/ci: the GitLab conversion turns real SARIF into a Code Quality
    # report, and the workflow files are valid YAML with the gate in them.
    docs = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'docs', 'ci')
    leak, scene, build = baseline_project(c)
    sarif = os.path.join(c.work, 'tenure.sarif')
    code, out, err = c.run('-p', build, '--format=sarif', '--output=' + sarif)
    expect(code == 1, 'findings', out, err)
    report = os.path.join(c.work, 'gl-code-quality-report.json')
    converted = subprocess.run([sys.executable, os.path.join(docs, 'sarif_to_codequality.py'),
                                sarif, report], capture_output=True, text=True)
    expect(converted.returncode == 0, 'the converter runs', converted.stderr)
    issues = json.load(open(report))
    expect(len(issues) == 3, 'an issue per finding', issues)
    cycle = [i for i in issues if i['check_name'] == 'tenure-ref-cycle'][0]
    expect(cycle['location'] == {'path': 'src/leak.cpp', 'lines': {'begin': 7}}
           and cycle['severity'] == 'major' and len(cycle['fingerprint']) > 8,
           'GitLab fields', cycle)
    try:
        import yaml
    except ImportError:
        return  # PyYAML is optional here; the converter was checked above.
    github = yaml.safe_load(open(os.path.join(docs, 'github-actions.yml')))
    steps = github['jobs']['gate']['steps']
    expect(any('--baseline=tenure-baseline.json' in s.get('run', '') for s in steps)
           and any(s.get('uses', '').startswith('github/codeql-action/upload-sarif')
                   for s in steps), 'the workflow gates and uploads', steps)
    gitlab = yaml.safe_load(open(os.path.join(docs, 'gitlab-ci.yml')))
    expect(gitlab['tenure']['artifacts']['reports']['codequality'] ==
           'gl-code-quality-report.json', 'the GitLab job keeps its reports', gitlab)


# ---- issue 16: the gate does exactly what it says -------------------------

COPY = '''#include <memory>
struct Node { int weight = 0; };
int weigh(std::shared_ptr<Node> node) { return node->weight; }
'''
COPY_FIXED = 'int weigh(const std::shared_ptr<Node>& node) { return node->weight; }'
OTHER = '''#include <memory>
struct Node { int weight = 0; };
int pick(int o) { return o ? 2 : 0; }
int unrelated() { return 3; }
'''


def compiles(c, path, *flags):
    result = subprocess.run([os.path.join(c.args.tools_dir, 'clang++'), '-std=c++20',
                             '-fsyntax-only', path] + list(flags),
                            capture_output=True, text=True)
    return result.returncode == 0, result.stderr


def node_kind(path):
    mode = os.lstat(path).st_mode
    return ('fifo' if stat.S_ISFIFO(mode) else 'chr' if stat.S_ISCHR(mode) else
            'link' if stat.S_ISLNK(mode) else 'file')


def case_bear_relative_entries_same_name(c):
    # bear over a recursive make: each entry is relative to the directory
    # make ran in, and two of them are called util.cpp.
    top = c.write('util.cpp', OTHER)
    lib = c.write('lib/util.cpp', COPY)
    c.write('compile_commands.json', json.dumps([
        {'directory': c.work, 'file': 'util.cpp',
         'arguments': ['c++', '-std=c++20', '-c', '-o', 'util.o', 'util.cpp']},
        # bear 3 makes `file` absolute, but the command still names util.cpp.
        {'directory': os.path.join(c.work, 'lib'), 'file': lib,
         'arguments': ['/usr/bin/c++', '-std=c++20', '-c', '-o', 'util.o', 'util.cpp'],
         'output': os.path.join(c.work, 'lib', 'util.o')}]))
    code, out, err = c.run('-p', '.')
    expect(code == 1 and out.startswith('lib/util.cpp:3:33: warning: parameter') and
           out.count('warning:') == 1, 'the finding is in lib/util.cpp, at its line', out, err)
    code, out, err = c.run('-p', '.', '--format=json')
    finding = json.loads(out)['findings'][0]
    expect(finding['file'] == 'lib/util.cpp' and finding['key'].startswith('int weigh(')
           and all(r['file'].endswith('lib/util.cpp') for r in finding['fix']),
           'the key and the fix name the file the finding is in', finding)
    code, out, err = c.run('-p', '.', '--fix')
    expect(open(top).read() == OTHER, 'the other util.cpp is untouched', open(top).read(), err)
    expect(COPY_FIXED in open(lib).read(), 'lib/util.cpp is fixed', open(lib).read(), err)
    ok, diag = compiles(c, lib)
    expect(ok, 'the fixed file compiles', diag)
    code, out, err = c.run('-p', '.')
    expect(code == 0 and out == '', 'nothing left after the fix', out, err)


def case_meson_parent_relative_entry(c):
    # Meson writes entries relative to the build directory: ../src/x.cpp.
    src = c.write('src/util.cpp', COPY)
    c.write('build/compile_commands.json', json.dumps([
        {'directory': os.path.join(c.work, 'build'), 'file': '../src/util.cpp',
         'command': 'c++ -Isrc -I../src -std=c++20 -o src/util.cpp.o -c ../src/util.cpp',
         'output': 'src/util.cpp.o'}]))
    code, out, err = c.run('-p', 'build')
    expect(code == 1 and out.startswith('src/util.cpp:3:33: warning:'),
           'reported as src/util.cpp:3:33 from the project root', out, err)
    code, out, err = c.run('-p', 'build', '--format=sarif')
    location = json.loads(out)['runs'][0]['results'][0]['locations'][0]['physicalLocation']
    expect(location['artifactLocation'] == {'uri': 'src/util.cpp', 'uriBaseId': '%SRCROOT%'}
           and location['region']['startLine'] == 3, 'SARIF names it under %SRCROOT%', location)
    code, out, err = c.run('-p', 'build', '--write-baseline=b.json')
    entries = json.load(open(os.path.join(c.work, 'b.json')))['findings']
    expect([(e['file'], e['key'][:10]) for e in entries] == [('src/util.cpp', 'int weigh(')],
           'the baseline records the file and its line text', entries)
    # Run from the build directory, as meson's own targets do.
    code, out, err = c.run('-p', '.', cwd=os.path.join(c.work, 'build'))
    expect(code == 1 and out.startswith(os.path.join(c.work, 'src/util.cpp') + ':3:33:'),
           'outside the current directory the path is absolute', out, err)
    code, out, err = c.run('-p', 'build', '--fix')
    expect(COPY_FIXED in open(src).read(), 'the fix lands in src/util.cpp', open(src).read(), err)


def case_file_given_twice_or_through_link(c):
    leak = c.write('leak.cpp', LEAK)
    os.symlink('leak.cpp', os.path.join(c.work, 'alias.cpp'))
    code, out, err = c.run('leak.cpp', './leak.cpp', 'alias.cpp', leak, '--', '-std=c++20')
    expect(code == 1 and out.count('warning:') == 1 and 'in 1 translation unit' in err,
           'one file, however it is named, is analysed once', out, err)
    expect(out.startswith('leak.cpp:7:48:'), 'and reported by its real name', out)
    c.write('compile_commands.json', json.dumps([
        {'directory': c.work, 'file': 'leak.cpp', 'command': 'c++ -std=c++20 -c leak.cpp'},
        {'directory': c.work, 'file': './leak.cpp', 'command': 'c++ -std=c++20 -c ./leak.cpp'},
        {'directory': c.work, 'file': 'alias.cpp', 'command': 'c++ -std=c++20 -c alias.cpp'}]))
    code, out, err = c.run('-p', '.')
    expect(code == 1 and out.count('warning:') == 1 and 'in 1 translation unit' in err,
           'a database naming it three ways: once', out, err)


def case_stale_database_entry(c):
    leak = c.write('src/leak.cpp', LEAK)
    gone = c.write('src/gone.cpp', CLEAN)
    build = c.compile_db([gone, leak])
    os.remove(gone)
    code, out, err = c.run('-p', build)
    expect(code == 2, 'a stale entry exits 2', out, err)
    errors = [l for l in err.splitlines() if 'error' in l]
    expect(len(errors) == 1 and 'src/gone.cpp' in errors[0] and 'no such file' in errors[0],
           'one error line naming the missing file', err)
    expect('src/leak.cpp:7:48: warning:' in out and 'in 1 translation unit' in err,
           'the other files are still analysed', out, err)


def case_fix_verified_by_content(c):
    # The per-TU step ran, then the file changed: the merge step must not
    # apply offsets computed on the old text.
    src = c.write('util.cpp', COPY)
    facts = os.path.join(c.work, 'util.facts.json')
    code, out, err = c.run('--emit-facts=' + facts, src, '--', '-std=c++20')
    expect(code == 0, 'the per-TU step', err)
    edited = '// a comment that moves every offset\n' + COPY
    c.write('util.cpp', edited)
    code, out, err = c.run('--merge-facts', '--fix', facts)
    expect(code == 2 and 'util.cpp' in err and 'changed since' in err,
           'a file changed since the analysis is refused', out, err)
    expect(open(src).read() == edited, 'and left as it is', open(src).read())
    c.write('util.cpp', COPY)
    code, out, err = c.run('--merge-facts', '--fix', facts)
    expect(COPY_FIXED in open(src).read(), 'unchanged: the fix applies', open(src).read(), err)
    expect('applied 1 fix' in err and 'util.cpp' in err, '--fix says what it applied', err)


def case_output_through_symlink(c):
    leak = c.write('leak.cpp', LEAK)
    reports = os.path.join(c.work, 'reports')
    for name in ('report.txt', 'graph.dot', 'baseline.json'):
        c.write('reports/' + name, 'old\n')
        os.symlink(os.path.join('reports', name), os.path.join(c.work, name))
    code, out, err = c.run('--output=report.txt', '--cycle-graph=graph.dot', leak,
                           '--', '-std=c++20')
    expect(code == 1, 'findings', out, err)
    for name in ('report.txt', 'graph.dot'):
        expect(node_kind(os.path.join(c.work, name)) == 'link', name + ' is still a link')
    expect('strong reference cycle' in open(os.path.join(reports, 'report.txt')).read(),
           'the report went through the link', open(os.path.join(reports, 'report.txt')).read())
    expect('digraph' in open(os.path.join(reports, 'graph.dot')).read(), 'so did the graph')
    code, out, err = c.run('--write-baseline=baseline.json', leak, '--', '-std=c++20')
    expect(node_kind(os.path.join(c.work, 'baseline.json')) == 'link' and
           '"tenure_baseline"' in open(os.path.join(reports, 'baseline.json')).read(),
           'the baseline went through the link', err)
    code, out, err = c.run('--output=-', leak, '--', '-std=c++20')
    expect(code == 1 and 'strong reference cycle' in out, '--output=- is stdout', out, err)


def case_output_to_fifo_and_device(c):
    leak = c.write('leak.cpp', LEAK)
    fifo = os.path.join(c.work, 'report.fifo')
    os.mkfifo(fifo)
    got = []
    reader = threading.Thread(target=lambda: got.append(open(fifo).read()), daemon=True)
    reader.start()
    code, out, err = c.run('--output=' + fifo, '--format=json', leak, '--', '-std=c++20')
    if not got:
        # A run that replaced the FIFO never opened it: release the reader.
        if node_kind(fifo) == 'fifo':
            open(fifo, 'w').close()
    reader.join(60)
    expect(node_kind(fifo) == 'fifo', 'the FIFO is still a FIFO', err)
    expect(got and '"tenure-ref-cycle"' in got[0], "the FIFO's reader got the report", got, err)
    # A full device: the write fails, the node stays. As root, on a copy of
    # /dev/full of our own (never the machine's, which a failing run would
    # replace); otherwise /dev/full, which a non-root run cannot replace.
    full = '/dev/full'
    if os.geteuid() == 0:
        full = os.path.join(c.work, 'full')
        os.mknod(full, 0o666 | stat.S_IFCHR, os.makedev(1, 7))
    code, out, err = c.run('--output=' + full, leak, '--', '-std=c++20')
    expect(code == 2 and 'cannot write the report' in err, 'a full device is an error', out, err)
    expect(node_kind(full) == 'chr', 'the device node stays a device', err)


def case_unwritable_output_found_first(c):
    broken = c.write('broken.cpp', 'int main() { return undefined_name; }\n')
    for flag in ('--output', '--write-baseline', '--cycle-graph', '--export-fixes'):
        code, out, err = c.run(flag + '=' + os.path.join(c.work, 'no/such/dir/x'),
                               broken, '--', '-std=c++20')
        expect(code == 2 and err.count('\n') == 1 and 'no/such/dir/x' in err
               and 'undefined_name' not in out + err,
               flag + ': one line before any analysis', out, err)


def case_mistyped_flag_is_usage_error(c):
    leak = c.write('leak.cpp', LEAK)
    for bad in ('--header-filer=^src/', '--hx', '--fi', '-h-filter=x', '--exra-arg=-DX'):
        code, out, err = c.run(bad, leak, '--', '-std=c++20')
        expect(code == 2 and 'OVERVIEW' not in out + err and out == ''
               and err.count('\n') == 1 and bad.split('=')[0] in err,
               bad + ': a usage error (exit 2), never help and exit 0', out, err)
    code, out, err = c.run('--help')
    expect(code == 0 and '--header-filter' in out + err, '--help itself still works', out, err)


HEADER_COPY = '''#pragma once
#include <memory>
struct Node { int weight = 0; };
inline int weigh(std::shared_ptr<Node> node) { return node->weight; }
'''


def case_clang_tidy_header_filter(c):
    c.write('src/app.h', HEADER_COPY)
    c.write('lib/dep.h', HEADER_COPY.replace('Node', 'Dep').replace('weigh', 'weigh_dep'))
    main = c.write('src/main.cpp',
                   '#include "app.h"\n#include "../lib/dep.h"\nint main() { return 0; }\n')
    code, out, err = c.run(main, '--', '-std=c++20')
    expect(out.count('warning:') == 2, 'both headers by default', out, err)
    code, out, err = c.run('--header-filter=^src/', main, '--', '-std=c++20')
    expect(code == 1 and out.count('warning:') == 1 and out.startswith('src/app.h:4:'),
           '--header-filter keeps the matching header', out, err)
    code, out, err = c.run('--header-filter=.*', '--exclude-header-filter=app\\.h',
                           main, '--', '-std=c++20')
    expect(code == 1 and out.count('warning:') == 1 and out.startswith('lib/dep.h:4:'),
           '--exclude-header-filter drops the matching header', out, err)
    code, out, err = c.run('--header-filter=(', main, '--', '-std=c++20')
    expect(code == 2 and err.count('\n') == 1 and '--header-filter' in err,
           'a bad regex is one line', out, err)


def case_extra_args(c):
    guarded = c.write('guarded.cpp',
                      '#ifdef WITH_LEAK\n' + LEAK + '#else\n#error need WITH_LEAK\n#endif\n')
    build = c.compile_db([guarded])
    code, out, err = c.run('-p', build)
    expect(code == 2 and 'need WITH_LEAK' in out, 'without the define it does not compile',
           out, err)
    code, out, err = c.run('-p', build, '--extra-arg=-DWITH_LEAK')
    expect(code == 1 and 'strong reference cycle' in out and 'error' not in out,
           '--extra-arg appends to the database flags', out, err)
    code, out, err = c.run('-p', build, '--extra-arg-before=-DWITH_LEAK')
    expect(code == 1 and 'strong reference cycle' in out, '--extra-arg-before too', out, err)
    code, out, err = c.run('-p', build, guarded, '--', '-DWITH_LEAK')
    expect(code == 1 and 'strong reference cycle' in out,
           '-p with -- FLAGS appends FLAGS to the database entry (its -std=c++20 kept)',
           out, err)


def case_export_fixes(c):
    src = c.write('util.cpp', COPY)
    fixes = os.path.join(c.work, 'fixes', 'tenure.yaml')
    os.makedirs(os.path.dirname(fixes))
    code, out, err = c.run('--export-fixes=' + fixes, src, '--', '-std=c++20')
    expect(code == 1 and os.path.exists(fixes), '--export-fixes writes the YAML', out, err)
    expect(open(src).read() == COPY, 'and changes nothing itself')
    applied = subprocess.run([os.path.join(c.args.tools_dir, 'clang-apply-replacements'),
                              os.path.dirname(fixes)], capture_output=True, text=True)
    expect(applied.returncode == 0, 'clang-apply-replacements reads it', applied.stderr,
           open(fixes).read())
    expect(COPY_FIXED in open(src).read(), 'and applies it', open(src).read(),
           open(fixes).read())


def case_quiet_version_and_config_tools(c):
    leak = c.write('leak.cpp', LEAK)
    code, out, err = c.run('--quiet', leak, '--', '-std=c++20')
    expect(code == 1 and err == '' and 'strong reference cycle' in out,
           '--quiet: findings, no summary', out, err)
    code, out, err = c.run('--version')
    expect(code == 0 and 'tenure-analyze' in out and 'Clang 19' in out, '--version', out, err)
    c.write('proj/.clang-tidy', "Checks: '-*,tenure-ref-cycle'\nCheckOptions:\n"
            "  tenure-ref-cycle.StrongHandle: '::std::unique_ptr'\n")
    inner = c.write('proj/leak.cpp', LEAK)
    code, out, err = c.run('--verify-config', cwd=os.path.join(c.work, 'proj'))
    expect(code == 2 and "'tenure-ref-cycle.StrongHandle'" in out + err
           and 'StrongHandles' in out + err, '--verify-config names the misspelt option',
           out, err)
    c.write('proj/.clang-tidy', "Checks: '-*,tenure-ref-cycle'\nCheckOptions:\n"
            "  tenure-ref-cycle.StrongHandles: '::std::unique_ptr'\n")
    code, out, err = c.run('--verify-config', cwd=os.path.join(c.work, 'proj'))
    expect(code == 0, '--verify-config accepts a correct one', out, err)
    code, out, err = c.run('--dump-config', inner)
    expect(code == 0 and 'tenure-ref-cycle.StrongHandles' in out and
           '::std::unique_ptr' in out and 'Checks:' in out,
           '--dump-config shows the configuration a file gets', out, err)


def case_sarif_gcc_database_is_valid(c):
    leak = c.write('src/leak.cpp', LEAK)
    clean = c.write('src/clean.cpp', CLEAN)
    c.write('build/compile_commands.json', json.dumps([
        {'directory': c.work, 'file': f,
         'arguments': ['/usr/bin/g++', '-std=c++20', '-fconcepts-diagnostics-depth=3',
                       '-c', f, '-o', f + '.o']} for f in (leak, clean)]))
    sarif_path = os.path.join(c.work, 'tenure.sarif')
    code, out, err = c.run('-p', 'build', '--format=sarif', '--output=' + sarif_path)
    expect(code == 2, 'the GCC-only flag is a compiler error: exit 2', out, err)
    sarif = json.load(open(sarif_path))
    problems = validate_sarif(sarif)
    expect(not problems, 'valid SARIF 2.1.0', '\n'.join(problems))
    run = sarif['runs'][0]
    expect([r['ruleId'] for r in run['results']] == ['tenure-ref-cycle'],
           'compiler errors are not alerts', run['results'])
    invocation = run['invocations'][0]
    notes = invocation['toolExecutionNotifications']
    expect(invocation['executionSuccessful'] is False and invocation['exitCode'] == 2,
           'the invocation says the run failed', invocation)
    expect(len(notes) == 2 and all('-fconcepts-diagnostics-depth=3' in n['message']['text']
                                   and n['level'] == 'error' for n in notes),
           'the location-less error of each TU is a notification', notes)
    rule = run['tool']['driver']['rules'][0]
    expect(rule['helpUri'].endswith('tenure-ref-cycle.md') and rule['help']['markdown'],
           'rules link their doc page and carry markdown help', rule)
    expect(all(len(r['partialFingerprints']['tenureFindingKey/v1']) == 16
               for r in run['results']), 'fingerprints have a fixed width', run['results'])

    # A clean run and one with fixes: valid too, with the JSON's fixes.
    code, out, err = c.run(clean, '--format=sarif', '--', '-std=c++20')
    problems = validate_sarif(json.loads(out))
    expect(code == 0 and not problems, 'a clean run is valid', '\n'.join(problems), out)
    expect(json.loads(out)['runs'][0]['invocations'][0]['executionSuccessful'] is True,
           'a clean run succeeded', out)
    copy = c.write('src/copy.cpp', COPY)
    code, out, err = c.run(copy, '--format=sarif', '--', '-std=c++20')
    sarif = json.loads(out)
    problems = validate_sarif(sarif)
    expect(code == 1 and not problems, 'a run with fixes is valid', '\n'.join(problems), out)
    change = sarif['runs'][0]['results'][0]['fixes'][0]['artifactChanges'][0]
    expect(change['artifactLocation'] == {'uri': 'src/copy.cpp', 'uriBaseId': '%SRCROOT%'}
           and [r['insertedContent']['text'] for r in change['replacements']] == ['const ', '&'],
           'the fix-its as SARIF fixes', change)
    odd = c.write('src/with space#1.cpp', LEAK)
    code, out, err = c.run(odd, '--format=sarif', '--', '-std=c++20')
    problems = validate_sarif(json.loads(out))
    uri = json.loads(out)['runs'][0]['results'][0]['locations'][0]['physicalLocation'][
        'artifactLocation']['uri']
    expect(not problems and uri == 'src/with%20space%231.cpp', 'URIs are percent-encoded',
           uri, '\n'.join(problems))


def case_symlinked_checkout_baseline(c):
    # The CI workspace is a link to the real checkout; the database and the
    # baseline were made through one, the gate runs through the other.
    real = os.path.join(c.work, 'real')
    link = os.path.join(c.work, 'checkout')
    c.write('real/src/doc.h', '#pragma once\n' + LEAK)
    c.write('real/src/doc.cpp', '#include "doc.h"\n')
    c.write('real/src/scene.cpp', SCENE)
    os.symlink('real', link)
    c.write('real/build/compile_commands.json', json.dumps([
        {'directory': os.path.join(link, 'build'), 'file': os.path.join(link, 'src', f),
         'command': 'c++ -std=c++20 -I%s/src -c %s/src/%s' % (link, link, f)}
        for f in ('doc.cpp', 'scene.cpp')]))

    def run_in(where, *argv):
        # A shell that cd'ed through the link keeps PWD on it; a process
        # started with another cwd does not.
        env = dict(os.environ, PWD=where)
        result = subprocess.run([c.args.analyzer] + list(argv), cwd=where, env=env,
                                capture_output=True, text=True)
        return result.returncode, result.stdout, result.stderr

    code, out, err = run_in(link, '-p', 'build', '--write-baseline=tenure-baseline.json')
    entries = json.load(open(os.path.join(real, 'tenure-baseline.json')))['findings']
    expect(code == 0 and len(entries) == 3 and all(e['file'].startswith('src/') for e in entries),
           'the baseline names files relative to the checkout', entries, err)
    for where in (real, link):
        code, out, err = run_in(where, '-p', 'build', '--baseline=tenure-baseline.json')
        expect(code == 0 and out == '' and '3 findings accepted' in err,
               'the baseline matches from ' + where, out, err)
        code, out, err = run_in(where, '-p', 'build', '--format=sarif')
        results = json.loads(out)['runs'][0]['results']
        locations = [r['locations'][0]['physicalLocation']['artifactLocation'] for r in results]
        expect(len(results) == 3 and all(l.get('uriBaseId') == '%SRCROOT%' and
                                          l['uri'].startswith('src/') for l in locations),
               'SARIF URIs stay under %SRCROOT% from ' + where, locations)


def counters(err, step='counter'):
    """The --debug-counters lines of one step ('counter' for the run that
    reports, 'per-TU step counter' for a worker) as {name: value}."""
    prefix = 'tenure-analyze: %s ' % step
    found = {}
    for line in err.splitlines():
        if line.startswith(prefix):
            name, value = line[len(prefix):].split()
            found[name] = found.get(name, 0) + int(value)
    return found


def case_many_findings_work_is_linear(c):
    # The work of placing findings in their file (offsets to lines, baseline
    # keys, NOLINT comments) is bounded by the file's size plus the findings'
    # own lines however many findings one file has: each file is read and
    # indexed once. (It was once a scan of the text before each finding.)
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                    '..', '..', 'bench'))
    import many_findings
    units = 1500
    copy = c.write('copy.cpp', many_findings.source('copy', units))
    facts = os.path.join(c.work, 'copy.json')
    code, out, err = c.run('--emit-facts=' + facts, '--debug-counters', copy,
                           '--', '-std=c++20')
    expect(code == 0, 'the per-TU step succeeds', out, err)
    with open(facts) as f:
        found = json.load(f)['findings']
    expect(len(found) == units, 'one needless copy per unit', len(found))
    n = counters(err, 'per-TU step counter')
    size = os.path.getsize(copy)
    expect(n.get('SourceLookups', 0) >= units, 'every finding was placed', err)
    expect(n.get('SourceBytesScanned', 0) <= 2 * size,
           'the file is read once (and each finding\'s line), not once per finding',
           size, err)

    # Cycles are judged after the merge, where NOLINT comments are read from
    # the text: a comment for another check on every unit's line is matched
    # once per finding, the file scanned once.
    lines = many_findings.source('cycle', units).splitlines()
    lines = [l + ' // NOLINT(tenure-needless-copy)' if l.startswith('struct S') else l
             for l in lines]
    cycle = c.write('cycle.cpp', '\n'.join(lines) + '\n')
    code, out, err = c.run('--debug-counters', cycle, '--', '-std=c++20')
    expect(code == 1 and out.count('warning: strong reference cycle') == units,
           'one cycle per unit, not suppressed by the other check\'s NOLINT', code, err)
    n = counters(err)
    size = os.path.getsize(cycle)
    expect(n.get('SourceLookups', 0) >= units, 'every finding was looked up', err)
    expect(n.get('SourceBytesScanned', 0) <= 3 * size,
           'the file is scanned a bounded number of times', size, err)
    expect(units <= n.get('NoLintListsMatched', 0) <= units + 10,
           'one NOLINT list matched per finding', err)


def timing_phases(err):
    """The phase names of the --timings table on stderr."""
    lines = err.splitlines()
    start = next(i for i, l in enumerate(lines) if '--- Name ---' in l)
    names = []
    for line in lines[start + 1:]:
        if not line.strip():
            break
        names.append(line.split('%)')[-1].strip())
    return names


def case_timings(c):
    files = [c.write('src/leak.cpp', LEAK), c.write('src/clean.cpp', CLEAN)]
    build = c.compile_db(files)
    code, plain, _ = c.run('-p', build, '-j', '2')
    code, out, err = c.run('-p', build, '-j', '2', '--timings')
    expect(code == 1 and out == plain, 'the report is the same with --timings', out, plain)
    expect('tenure-analyze timings, 2 translation units summed' in err,
           'one table for the run, summed over both workers', err)
    phases = timing_phases(err)
    for phase in ('parse (setup, preprocess, parse, instantiate)',
                  'check tenure-needless-copy', 'check tenure-ref-cycle',
                  'check tenure-unbounded-cache', 'check tenure-untraced-field',
                  'AST walk outside the checks, teardown',
                  'TU result: findings placed, facts merged',
                  'merge: the whole-program checks',
                  'report: evidence, gate, outputs', 'Total'):
        expect(phase in phases, 'phase %r is timed' % phase, err)
    expect(phases.count('Total') == 1 and phases[-1] == 'Total', 'one total, last', err)
    code, out, err = c.run('-p', build, '-j', '2')
    expect('timings' not in err, 'no table without --timings', err)

    # A build system's actions: each per-TU step records its phases in its
    # facts file, the merge step sums them with its own.
    facts = []
    for i, f in enumerate(files):
        facts.append(os.path.join(c.work, 'f%d.json' % i))
        code, out, err = c.run('--emit-facts=' + facts[-1], '--timings', '-p', build, f)
        expect(code == 0 and 'Total' not in err, 'the per-TU step prints no table', err)
        with open(facts[-1]) as fp:
            phases = [t['phase'] for t in json.load(fp)['timings']]
        expect('check tenure-ref-cycle' in phases, 'the facts file has the phases', phases)
    code, out, err = c.run('--merge-facts', '--timings', *facts)
    expect(code == 1 and 'tenure-analyze timings, 2 translation units summed' in err,
           'the merge step prints the sum', err)
    expect('merge: reading the facts files' in timing_phases(err), 'reading is timed', err)

    # Results from the cache were timed by another run.
    cache = os.path.join(c.work, 'cache')
    c.run('-p', build, '--cache-dir=' + cache)
    code, out, err = c.run('-p', build, '--cache-dir=' + cache, '--timings')
    expect('0 translation units summed (2 from the cache, not timed)' in err,
           'cached units are not timed', err)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--analyzer', required=True)
    parser.add_argument('--plugin', required=True)
    parser.add_argument('--tools-dir', required=True)
    parser.add_argument('--build-dir')
    parser.add_argument('case')
    args = parser.parse_args()
    run_case(globals(), args.case, lambda work: Case(args, work), 'tenure-driver-')


if __name__ == '__main__':
    main()
