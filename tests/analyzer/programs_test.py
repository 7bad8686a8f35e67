#!/usr/bin/env python3
"""tenure-analyze merges facts per program: --programs, CMake's file API.

Two executables of one compile database each declare a class Node. The
editor's Node closes a cycle through Node::setParent; the viewer's
setParent stores into a weak handle, so its Node has none. Merged as one
program (the only choice without the link structure), the setParent of one
program is applied to calls of the other and the notes point into the other
program's header; merged per program, each is judged on its own code.

Each case is a function; ctest runs one per entry:
  programs_test.py --analyzer EXE --tools-dir DIR CASE
"""
import argparse
import glob
import json
import os
import shutil
import subprocess

import driver_test
from case_runner import expect, run_case

NODE_H = '''#pragma once
#include <memory>
#include <vector>
class Node {
public:
  void setParent(const std::shared_ptr<Node> &parent);
  void add(const std::shared_ptr<Node> &self, std::shared_ptr<Node> child);
private:
  %s parent_;
  std::vector<std::shared_ptr<Node>> %s;
};
'''
NODE_CPP = '''#include "node.h"
void Node::setParent(const std::shared_ptr<Node> &parent) { parent_ = parent; }
'''
MAIN_CPP = '''#include "node.h"
void Node::add(const std::shared_ptr<Node> &self, std::shared_ptr<Node> child) {
  child->setParent(self);
  %s.push_back(std::move(child));
}
int main() {
  auto root = std::make_shared<Node>();
  root->add(root, std::make_shared<Node>());
}
'''
# The editor's true cycle, as its own program reports it.
EDITOR_FINDING = ('editor/main.cpp:8:9: warning: strong reference cycle Node -parent_-> '
                  'Node -children_-> Node closed here')


class Case(driver_test.Case):
    def run_cached(self, *argv):
        """The same, each unit parsed once per case: the merge is what the
        cases are about, and cache entries are per unit whatever the
        grouping."""
        code, out, err = self.run('--cache-dir=' + os.path.join(self.work, 'cache'), *argv)
        return code, out, ''.join(l + '\n' for l in err.splitlines()
                                  if 'tenure-analyze: cache ' not in l)

    def two_programs(self):
        """The sources of both programs: editor/ and viewer/."""
        for program, handle, kids in (('editor', 'std::shared_ptr<Node>', 'children_'),
                                      ('viewer', 'std::weak_ptr<Node>', 'kids_')):
            self.write(program + '/node.h', NODE_H % (handle, kids))
            self.write(program + '/node.cpp', NODE_CPP)
            self.write(program + '/main.cpp', MAIN_CPP % kids)


# The viewer first: the merged run then takes the viewer's view of Node.
UNITS = ['viewer/node.cpp', 'viewer/main.cpp', 'editor/node.cpp', 'editor/main.cpp']
PROGRAMS = {'tenure_programs': 1,
            'programs': [{'name': 'editor', 'sources': ['editor/']},
                         {'name': 'viewer', 'sources': ['viewer/main.cpp', 'viewer/node.cpp']}]}


def findings(out):
    """Each finding's first line with its notes' files."""
    found = []
    for line in out.splitlines():
        if ': warning: ' in line:
            found.append((line, []))
        elif ': note: ' in line and found:
            found[-1][1].append(line.split(':')[0])
    return found


def expect_editor_only(out, err, what):
    found = findings(out)
    expect(len(found) == 1 and found[0][0].startswith(EDITOR_FINDING),
           what + ': the editor\'s cycle alone', out, err)
    expect(found[0][1] and all(f.startswith('editor/') for f in found[0][1]),
           what + ': its notes stay in the editor', out)


def case_program_file(c):
    c.two_programs()
    build = c.compile_db(UNITS)
    # Without grouping, today's behaviour: one program, whose merge takes
    # the viewer's Node for the editor's and reports a cycle the viewer
    # does not have, with a note in the editor's header.
    code, merged, err = c.run_cached('-p', build)
    found = findings(merged)
    expect(code == 1 and any(line.startswith('viewer/main.cpp:8:') for line, _ in found),
           'one program: the viewer is judged with the editor\'s setParent', merged, err)
    expect(any('editor/' in f for line, notes in found if line.startswith('viewer/')
               for f in notes), 'one program: notes cross into the other program', merged)
    expect('merged as' not in err, 'no programs said without grouping', err)

    c.write('programs.json', json.dumps(PROGRAMS))
    code, grouped, err = c.run_cached('-p', build, '--programs=programs.json')
    expect(code == 1, 'the editor\'s finding fails the gate', grouped, err)
    expect_editor_only(grouped, err, 'per program')
    expect('in 4 translation units, merged as 2 programs (programs.json)' in err,
           'the summary says what was merged', err)

    # What --dump-programs prints is a program file that gives the same.
    code, dumped, err = c.run_cached('-p', build, '--programs=programs.json', '--dump-programs')
    expect(code == 0 and err == '', '--dump-programs exits 0', dumped, err)
    listed = {p['name']: sorted(p['sources']) for p in json.loads(dumped)['programs']}
    expect(listed == {'editor': ['editor/main.cpp', 'editor/node.cpp'],
                      'viewer': ['viewer/main.cpp', 'viewer/node.cpp']},
           'the folder entry stands for its units', dumped)
    c.write('dumped.json', dumped)
    code, again, err = c.run_cached('-p', build, '--programs=dumped.json')
    expect(again == grouped, 'the dump reads back', again, grouped)

    # Units no program names are one more program, and said so.
    c.write('editor-only.json', json.dumps(
        {'tenure_programs': 1, 'programs': [{'name': 'editor', 'sources': ['editor']}]}))
    code, out, err = c.run_cached('-p', build, '--programs=editor-only.json')
    expect_editor_only(out, err, 'the rest as a program')
    expect('note: 2 translation units are in no program of editor-only.json, merged as one '
           'more program (first: viewer/node.cpp)' in err, 'the rest is named', err)
    expect('merged as 2 programs' in err, 'and counted', err)

    # Paths are relative to the program file's folder.
    c.write('conf/programs.json', json.dumps(
        {'tenure_programs': 1, 'programs': [{'name': 'editor', 'sources': ['../editor/']},
                                            {'name': 'viewer', 'sources': ['../viewer']}]}))
    code, out, err = c.run_cached('-p', build, '--programs=conf/programs.json')
    expect(out == grouped, 'relative to the file', out, err)
    # Analysing one unit: the program file may name the database's others.
    code, out, err = c.run_cached('-p', build, '--programs=programs.json', 'viewer/main.cpp')
    expect(code == 0 and out == '', 'one unit of a named program: nothing to report', out, err)

    # --one-program: the old answer whatever the grouping.
    code, out, err = c.run_cached('-p', build, '--one-program')
    expect(out == merged, '--one-program is the single merge', out, merged)
    code, out, err = c.run_cached('-p', build, '--one-program', '--programs=programs.json')
    expect(code == 2 and 'cannot be used together' in err, 'one or the other', err)


def case_program_file_merge_facts(c):
    # The build-action path: facts written per unit, merged per program.
    c.two_programs()
    build = c.compile_db(UNITS)
    c.write('programs.json', json.dumps(PROGRAMS))
    facts = []
    for unit in UNITS:
        path = os.path.join(c.work, unit + '.facts.json')
        code, out, err = c.run('--emit-facts=' + path, '-p', build, unit)
        expect(code == 0, 'facts of ' + unit, err)
        facts.append(path)
    code, out, err = c.run('--merge-facts', '--programs=programs.json', *facts)
    expect(code == 1, 'the merge step reports', out, err)
    expect_editor_only(out, err, 'merge step')
    code, out, err = c.run('--emit-facts=x.json', '-p', build, '--programs=programs.json',
                           UNITS[0])
    expect(code == 2 and '--programs belongs to the run that reports' in err,
           'the per-unit step takes no programs', err)

    # Cache entries are per unit: a warm run with or without grouping
    # parses nothing, and each answers as a cold run does.
    cache = os.path.join(c.work, 'cache')
    code, cold, err = c.run('-p', build, '--cache-dir=' + cache, '--programs=programs.json')
    expect('0 hits, 4 misses' in err, 'cold', err)
    code, out, err = c.run('-p', build, '--cache-dir=' + cache)
    expect('4 hits, 0 misses' in err and findings(out) != findings(cold),
           'warm, one program: the single merge', out, err)
    code, out, err = c.run('-p', build, '--cache-dir=' + cache, '--programs=programs.json')
    expect('4 hits, 0 misses' in err and out == cold, 'warm, per program', out, err)


def one_line_error(c, argv, message, what):
    code, out, err = c.run(*argv)
    expect(code == 2 and out == '' and len(err.strip().splitlines()) == 1 and message in err,
           what + ': one line naming the file, exit 2', out, err)


def case_bad_program_file(c):
    c.two_programs()
    build = c.compile_db(UNITS)

    def program_file(name, value):
        c.write(name, value if isinstance(value, str) else json.dumps(value))
        return ['-p', build, '--programs=' + name]

    one_line_error(c, ['-p', build, '--programs=missing.json'],
                   'missing.json: cannot read the program file', 'a missing file')
    one_line_error(c, program_file('broken.json', '{"tenure_programs": 1, "programs": ['),
                   'broken.json: malformed program file', 'malformed JSON')
    one_line_error(c, program_file('other.json', {'findings': []}),
                   'other.json: not a tenure program file', 'another kind of file')
    one_line_error(c, program_file('newer.json', {'tenure_programs': 9, 'programs': []}),
                   'newer.json: program file version 9 is newer', 'a newer version')
    one_line_error(c, program_file('typo.json', {'tenure_programs': 1, 'programs': [
        {'name': 'editor', 'source': ['editor/']}]}),
        'typo.json: malformed program file: unknown key "source" in program "editor"',
        'a misspelt key')
    one_line_error(c, program_file('twice.json', {'tenure_programs': 1, 'programs': [
        {'name': 'editor', 'sources': ['editor/']}, {'name': 'editor', 'sources': ['viewer/']}]}),
        'twice.json: malformed program file: two programs named "editor"', 'a name twice')
    one_line_error(c, program_file('unknown.json', {'tenure_programs': 1, 'programs': [
        {'name': 'editor', 'sources': ['editor/', 'editor/gone.cpp']}]}),
        'unknown.json: program "editor": editor/gone.cpp: no such file or directory',
        'an entry naming nothing')
    one_line_error(c, program_file('header.json', {'tenure_programs': 1, 'programs': [
        {'name': 'editor', 'sources': ['editor/node.h']}]}),
        'header.json: program "editor": editor/node.h: not a translation unit of the run',
        'an entry naming a file the database does not compile')
    os.makedirs(os.path.join(c.work, 'docs'))
    one_line_error(c, program_file('empty.json', {'tenure_programs': 1, 'programs': [
        {'name': 'docs', 'sources': ['docs']}]}),
        'empty.json: program "docs": docs: a folder with no translation unit of the run',
        'a folder with no unit')
    one_line_error(c, ['-p', build, '--programs=build'],
                   'build: no CMake file API codemodel reply: touch '
                   'build/.cmake/api/v1/query/codemodel-v2 and re-run cmake',
                   'a folder without a reply')


CMAKE_PROJECT = '''cmake_minimum_required(VERSION 3.16)
project(two_programs CXX)
set(CMAKE_CXX_STANDARD 20)
# The viewer's Node lives in a shared library, the editor's in a static
# library reached through another one. Both link a static logging library.
add_library(logging STATIC common/log.cpp)
add_library(viewer_tree SHARED viewer/node.cpp)
target_link_libraries(viewer_tree PRIVATE logging)
add_executable(viewer viewer/main.cpp)
target_link_libraries(viewer PRIVATE viewer_tree)
add_library(editor_tree STATIC editor/node.cpp)
add_library(editor_core STATIC editor/core.cpp)
target_link_libraries(editor_core PRIVATE editor_tree logging)
add_executable(editor editor/main.cpp)
target_link_libraries(editor PRIVATE editor_core)
add_library(unused STATIC unused/alone.cpp)
# Only built first, not linked: the viewer's program does not include it.
add_dependencies(viewer unused)
'''


def configure(c, build, query):
    if query:
        os.makedirs(os.path.join(c.work, build, '.cmake/api/v1/query'), exist_ok=True)
        open(os.path.join(c.work, build, '.cmake/api/v1/query/codemodel-v2'), 'w').close()
    result = subprocess.run(
        ['cmake', '-S', c.work, '-B', os.path.join(c.work, build), '-G', 'Ninja',
         '-DCMAKE_EXPORT_COMPILE_COMMANDS=ON',
         '-DCMAKE_CXX_COMPILER=' + os.path.join(c.args.tools_dir, 'clang++')],
        capture_output=True, text=True)
    expect(result.returncode == 0, 'cmake configures the project', result.stdout,
           result.stderr)


def case_cmake_file_api(c):
    c.two_programs()
    c.write('CMakeLists.txt', CMAKE_PROJECT)
    c.write('common/log.cpp', 'int log_level() { return 1; }\n')
    c.write('editor/core.cpp', 'int core() { return 2; }\n')
    c.write('unused/alone.cpp', 'int alone() { return 3; }\n')
    configure(c, 'build', query=True)

    code, out, err = c.run_cached('-p', 'build', '-j', '2')
    expect(code == 1, 'the editor\'s finding fails the gate', out, err)
    expect_editor_only(out, err, 'CMake file API')
    expect('in 7 translation units, merged as 4 programs (build/.cmake/api/v1/reply)' in err,
           'the programs come from the reply', err)
    code, dumped, err = c.run_cached('-p', 'build', '--dump-programs')
    listed = {p['name']: sorted(p['sources']) for p in json.loads(dumped)['programs']}
    expect(listed == {
        'editor': ['common/log.cpp', 'editor/core.cpp', 'editor/main.cpp', 'editor/node.cpp'],
        'viewer_tree': ['common/log.cpp', 'viewer/node.cpp'],
        'viewer': ['common/log.cpp', 'viewer/main.cpp', 'viewer/node.cpp'],
        'unused': ['unused/alone.cpp']},
        'executables and shared libraries with what they link, transitively; an unlinked '
        'library alone, also when a program names it in add_dependencies()', dumped)

    # The same project configured without the query: one program, as before,
    # and the user is told how to get the link structure.
    configure(c, 'plain', query=False)
    code, out, err = c.run_cached('-p', 'plain', '-j', '2')
    expect(any(line.startswith('viewer/main.cpp:8:') for line, _ in findings(out)),
           'no reply: one program', out, err)
    expect('note: whole-program checks merge all translation units as one program: plain '
           'has no CMake file API codemodel reply (touch '
           'plain/.cmake/api/v1/query/codemodel-v2 and re-run cmake' in err,
           'how to create the query', err)
    code, out, err = c.run_cached('-p', 'plain', '-j', '2', '--quiet')
    expect('note:' not in err, '--quiet says nothing', err)
    # The reply of another build folder, named explicitly.
    code, out, err = c.run_cached('-p', 'plain', '-j', '2', '--programs=build')
    expect_editor_only(out, err, '--programs=<build folder>')
    # --one-program ignores the reply.
    code, out, err = c.run_cached('-p', 'build', '-j', '2', '--one-program')
    expect(any(line.startswith('viewer/main.cpp:8:') for line, _ in findings(out))
           and 'merged as' not in err and 'note:' not in err, '--one-program', out, err)

    # A damaged reply: one line naming the file, exit 2, no report.
    reply = os.path.join(c.work, 'build/.cmake/api/v1/reply')
    target = glob.glob(os.path.join(reply, 'target-editor-*.json'))[0]
    saved = open(target).read()
    with open(target, 'w') as f:
        f.write(saved[:len(saved) // 2])
    one_line_error(c, ['-p', 'build'], os.path.basename(target) +
                   ': malformed CMake file API reply', 'a truncated target file')
    with open(target, 'w') as f:
        f.write(json.dumps({'name': 'editor'}))
    one_line_error(c, ['-p', 'build'], os.path.basename(target) +
                   ': malformed CMake file API reply: a target without "name" or "type"',
                   'a target file of the wrong shape')
    broken = json.loads(saved)
    broken['link']['commandFragments'].append({'role': 'libraries'})
    with open(target, 'w') as f:
        f.write(json.dumps(broken))
    one_line_error(c, ['-p', 'build'], os.path.basename(target) +
                   ': malformed CMake file API reply: a link fragment without "fragment"',
                   'a link fragment of the wrong shape')
    with open(target, 'w') as f:
        f.write(saved)
    index = sorted(glob.glob(os.path.join(reply, 'index-*.json')))[-1]
    with open(index, 'w') as f:
        f.write('{"objects": 3}')
    one_line_error(c, ['-p', 'build'], os.path.basename(index) +
                   ': malformed CMake file API reply: no "objects" list', 'a bad index')
    # Re-running cmake writes the reply again.
    configure(c, 'build', query=True)
    code, out, err = c.run_cached('-p', 'build', '-j', '2')
    expect_editor_only(out, err, 'after cmake ran again')


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--analyzer', required=True)
    parser.add_argument('--tools-dir', required=True)
    parser.add_argument('case')
    args = parser.parse_args()
    if args.case == 'cmake_file_api' and not (shutil.which('cmake') and shutil.which('ninja')):
        print('cmake or ninja not found')
        return
    run_case(globals(), args.case, lambda work: Case(args, work), 'tenure-programs-')


if __name__ == '__main__':
    main()
