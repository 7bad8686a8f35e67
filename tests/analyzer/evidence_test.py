#!/usr/bin/env python3
"""tenure-analyze --evidence as a user meets it: findings confirmed by what
test runs recorded, runtime-only cycles, bad evidence files.

  evidence_test.py --analyzer EXE [--program EXE --build-dir DIR] CASE
"""
import argparse
import json
import os
import shutil
import subprocess

from case_runner import expect, run_case

HERE = os.path.dirname(os.path.abspath(__file__))
INCLUDE = os.path.join(os.path.dirname(os.path.dirname(HERE)), 'include')

# Bugs the analysis finds, and one ring no statement closes (runtime-only).
SOURCE = '''#include <tenure/tenure.h>
#include <map>
#include <string>
#include <vector>
namespace app {
class Document;
class Section : public tenure::Object {
 public:
  tenure::Ref<Document> document;
  void trace(tenure::Tracer& t) override { t("document", document); }
};
class Document : public tenure::Object {
 public:
  std::vector<tenure::Ref<Section>> sections;
  void trace(tenure::Tracer& t) override { t("sections", sections); }
  void add() {
    tenure::Ref<Section> s = tenure::make<Section>();
    s->document = tenure::Ref<Document>::from_this(this);
    sections.push_back(std::move(s));
  }
};
class Image : public tenure::Object {
 public:
  void trace(tenure::Tracer&) override {}
};
class Gallery {
 public:
  void remember(const std::string& k, tenure::Ref<Image> i) { image_cache_[k] = std::move(i); }
 private:
  std::map<std::string, tenure::Ref<Image>> image_cache_;
};
class Node : public tenure::Object {
 public:
  tenure::Ref<Node> other;
  void trace(tenure::Tracer& t) override { t("other", other); }
};
int count(const Document& d) {
  int n = 0;
  for (tenure::Ref<Section> s : d.sections)
    n += s ? 1 : 0;
  return n;
}
int rarely(const Document& d) {
  int n = 0;
  for (tenure::Ref<Section> s :
       d.sections)
    n += s ? 1 : 0;
  return n;
}
int weight(tenure::Ref<Section> s) { return s ? 1 : 0; }
int total(const Document& d) {
  int n = 0;
  for (const auto& s : d.sections) n += weight(s);
  return n;
}
}  // namespace app
'''


def evidence(source_path, **sections):
    doc = {'tenure_evidence': 1, 'cycles': [], 'growth': [], 'copies': []}
    doc.update(sections)
    return json.dumps(doc)


class Case:
    def __init__(self, args, work):
        self.args = args
        self.work = work

    def write(self, name, text):
        path = os.path.join(self.work, name)
        with open(path, 'w') as f:
            f.write(text)
        return path

    def analyze(self, *argv):
        result = subprocess.run([self.args.analyzer] + list(argv), cwd=self.work,
                                capture_output=True, text=True)
        return result.returncode, result.stdout, result.stderr

    def analyze_source(self, *argv):
        return self.analyze('doc.cpp', *argv, '--', '-std=c++20', '-I' + INCLUDE)


def full_evidence(c):
    source = c.write('doc.cpp', SOURCE)
    return c.write('ev.json', evidence(source, cycles=[
        {'types': ['app::Document', 'app::Section'], 'fields': ['sections', 'document'],
         'count': 12, 'sites': [], 'tests': ['DocTest.A', 'DocTest.B']},
        {'types': ['app::Node'], 'fields': ['other'], 'count': 3, 'sites': [],
         'tests': ['NodeTest.Ring']}],
        growth=[{'type': 'app::Image', 'site': 'doc.cpp:3', 'count': 100,
                 'test': 'GalleryTest.Grows'}],
        # One site spelled absolute, one relative; line 46 is the second line
        # of a statement that starts on line 45.
        copies=[{'site': source + ':39', 'count': 4000},
                {'site': 'doc.cpp:46', 'count': 7},
                {'site': 'doc.cpp:19', 'count': 2},
                # A by-value parameter is copied at its caller.
                {'site': 'doc.cpp:53', 'count': 60}]))


def case_confirms_findings(c):
    ev = full_evidence(c)
    code, out, err = c.analyze_source('--evidence=' + ev)
    expect(code == 1, 'findings exit 1', out, err)
    lines = [l for l in out.splitlines() if ': warning: ' in l]
    expect(len(lines) == 6, 'cycle, ring, cache and three copies', out)
    expect(lines[0].startswith('doc.cpp:18:17: warning: strong reference cycle')
           and lines[0].endswith('[confirmed at runtime: 12 cycles in 2 tests] [tenure-ref-cycle]'),
           'the static cycle is confirmed and comes first', out)
    expect(lines[1].startswith('doc.cpp:32:7: warning: strong reference cycle app::Node -other-> app::Node leaked at runtime (3 cycles in 1 test)')
           and lines[1].endswith('[runtime-only] [tenure-ref-cycle]'),
           'a ring no statement closes is reported at its type', out)
    expect("[confirmed at runtime: 100 'app::Image' objects outlived 1 test] [tenure-unbounded-cache]"
           in lines[2], 'growth of what the cache holds confirms it', out)
    expect(lines[3].startswith('doc.cpp:39:') and '[confirmed at runtime: 4000 copies]' in lines[3]
           and lines[4].startswith('doc.cpp:50:') and '[confirmed at runtime: 60 copies]' in lines[4]
           and lines[5].startswith('doc.cpp:45:') and '[confirmed at runtime: 7 copies]' in lines[5],
           'copies matched by site, the most copied first', out)
    expect('doc.cpp:53:48: note: the handle is copied here' in out,
           'a by-value parameter notes its copying callers', out)
    expect('6 findings (5 confirmed at runtime, 1 runtime-only) in 1 translation unit' in err,
           'summary line', err)


def case_matching_ignores_line_numbers(c):
    ev = full_evidence(c)
    # Ten lines added above everything: names still match (copy sites are
    # lines, so those two stop matching, as they should).
    c.write('doc.cpp', '\n' * 10 + SOURCE)
    code, out, err = c.analyze_source('--evidence=' + ev)
    expect('doc.cpp:28:17' in out and '[confirmed at runtime: 12 cycles in 2 tests]' in out
           and "100 'app::Image' objects" in out, 'cycle and cache still confirmed', out)


def case_only_confirmed_and_formats(c):
    ev = full_evidence(c)
    c.write('ev2.json', open(ev).read().replace('"count": 7', '"count": 0')
            .replace('"count": 4000', '"count": 0'))
    code, out, err = c.analyze_source('--evidence=ev2.json', '--only-confirmed')
    expect(code == 1 and out.count(': warning: ') == 4 and out.count('needless-copy') == 1,
           'unconfirmed findings left out', out, err)
    code, out, err = c.analyze_source('--evidence=' + ev, '--format=sarif')
    results = json.loads(out)['runs'][0]['results']
    first = results[0]
    expect(first['level'] == 'error' and first['properties']['tenure/confirmed'] is True
           and first['properties']['tenure/runtime'] == '12 cycles in 2 tests',
           'SARIF: confirmed results raised to error, with properties', out)
    expect(all(r['level'] == 'error' for r in results), 'all six confirmed', out)
    code, out, err = c.analyze_source('--evidence=' + ev, '--format=json')
    findings = json.loads(out)['findings']
    expect(findings[0]['confirmed']['count'] == 12 and
           findings[0]['confirmed']['tests'] == ['DocTest.A', 'DocTest.B'] and
           findings[1]['confirmed']['runtime_only'] is True, 'JSON: confirmed object', out)


def case_cycle_graph(c):
    ev = full_evidence(c)
    code, out, err = c.analyze_source('--evidence=' + ev, '--cycle-graph=cycles.dot')
    graph = open(os.path.join(c.work, 'cycles.dot')).read()
    expect(graph.startswith('// Reference cycles') and 'digraph tenure_cycles {' in graph,
           'a DOT graph', graph)
    expect('"app::Section" -> "app::Document" [label="document (12 cycles in 2 tests)", color=red'
           in graph and '"app::Node" -> "app::Node" [label="other", color=red' in graph,
           'edges labelled by field, confirmed ones red', graph)
    dot = shutil.which('dot')
    if dot:
        result = subprocess.run([dot, '-Tsvg', os.path.join(c.work, 'cycles.dot')],
                                capture_output=True, text=True)
        expect(result.returncode == 0 and '<svg' in result.stdout, 'Graphviz reads it',
               result.stderr)


def case_bad_evidence(c):
    c.write('doc.cpp', SOURCE)
    bad = {
        'truncated.json': ('{"tenure_evidence": 1, "cycles": [',
                           'truncated.json: malformed evidence file: [1:'),
        'newer.json': ('{"tenure_evidence": 3}',
                       'newer.json: written by a newer tenure (evidence schema version 3, this build reads up to 2)'),
        'other.json': ('{"version": 1, "findings": []}',
                       'other.json: not a tenure evidence file'),
        'fields.json': ('{"tenure_evidence": 1, "cycles": [{"types": ["A"], "fields": [], "count": 1}]}',
                        "fields.json: not a valid evidence file: cycles[0]: 'types' must be non-empty"),
        'count.json': ('{"tenure_evidence": 1, "copies": [{"site": "a.cpp:1", "count": -4}]}',
                       "count.json: not a valid evidence file: copies[0]: 'count' must be a non-negative integer"),
    }
    for name, (text, message) in bad.items():
        c.write(name, text)
        code, out, err = c.analyze_source('--evidence=' + name, '--output=report.txt')
        expect(code == 2 and err.startswith('tenure-analyze: error: ' + message)
               and err.count('\n') == 1, name + ': one line, exit 2', err)
        expect(not os.path.exists(os.path.join(c.work, 'report.txt')), 'no report written')
    code, out, err = c.analyze_source('--evidence=missing.json')
    expect(code == 2 and 'missing.json: cannot read the evidence file' in err, 'missing file', err)
    code, out, err = c.analyze_source('--only-confirmed')
    expect(code == 2 and '--only-confirmed needs --evidence' in err, 'needs evidence', err)


def case_evidence_from_another_project(c):
    c.write('doc.cpp', SOURCE)
    c.write('foreign.json', evidence(None, cycles=[
        {'types': ['billing::Invoice', 'billing::Line'], 'fields': ['lines', 'invoice'],
         'count': 4, 'sites': [], 'tests': ['Billing.A']}],
        growth=[{'type': 'billing::Line', 'site': 'x.cpp:1', 'count': 3, 'test': 'Billing.A'}],
        copies=[{'site': 'x.cpp:3', 'count': 9}]))
    code, out, err = c.analyze_source('--evidence=foreign.json')
    expect(code == 1 and 'confirmed at runtime' not in out and 'runtime-only' not in out,
           'findings stay unconfirmed', out)
    expect('foreign.json: nothing in the evidence matches the analysed code' in err
           and 'not reported (first: billing::Invoice -lines-> billing::Line -invoice-> billing::Invoice)' in err
           and '(0 confirmed at runtime, 0 runtime-only)' in err, 'a warning says so', err)


def case_suppressed_cycle_stays_suppressed(c):
    # NOLINT on the closing statement hides the finding; its leaked cycles
    # are still explained by it, not reported as runtime-only.
    c.write('doc.cpp', SOURCE.replace(
        's->document = tenure::Ref<Document>::from_this(this);',
        's->document = tenure::Ref<Document>::from_this(this);  // NOLINT(tenure-ref-cycle)'))
    ev = c.write('ev.json', evidence(None, cycles=[
        {'types': ['app::Document', 'app::Section'], 'fields': ['sections', 'document'],
         'count': 2, 'sites': [], 'tests': ['DocTest.A']}]))
    code, out, err = c.analyze_source('--evidence=' + ev)
    expect('strong reference cycle' not in out and '0 runtime-only' in err,
           'no runtime-only finding for a suppressed cycle', out, err)


def case_baseline_sees_every_finding(c):
    # --only-confirmed narrows the report, not what the baseline matches or
    # keeps: an unconfirmed finding recorded in it is not "fixed".
    ev = full_evidence(c)
    c.write('ev2.json', open(ev).read().replace('"count": 4000', '"count": 0'))
    code, out, err = c.analyze_source('--evidence=ev2.json', '--write-baseline=base.json')
    expect(code == 0, 'baseline written', err)
    recorded = len(json.load(open(os.path.join(c.work, 'base.json')))['findings'])
    code, out, err = c.analyze_source('--evidence=ev2.json', '--only-confirmed',
                                      '--baseline=base.json', '--write-baseline=base.json')
    expect(code == 0 and 'no longer match' not in err, 'nothing pruned', out, err)
    kept = len(json.load(open(os.path.join(c.work, 'base.json')))['findings'])
    expect(kept == recorded == 6, 'every entry kept (%d of %d)' % (kept, recorded), err)
    code, out, err = c.analyze_source('--evidence=ev2.json', '--baseline=base.json')
    expect(code == 0 and out == '', 'the next run is clean', out, err)


def case_header_copies_add_up_across_units(c):
    # One finding in a header, its copies counted at calls in two TUs.
    c.write('w.h', '#include <tenure/tenure.h>\n'
            'struct W : tenure::Object { void trace(tenure::Tracer&) override {} };\n'
            'inline int use(tenure::Ref<W> w) { return w ? 1 : 0; }\n')
    c.write('a.cpp', '#include "w.h"\nint a(const tenure::Ref<W>& w) { return use(w); }\n')
    c.write('b.cpp', '#include "w.h"\nint b(const tenure::Ref<W>& w) { return use(w); }\n')
    c.write('ev.json', evidence(None, copies=[{'site': 'a.cpp:2', 'count': 10},
                                              {'site': 'b.cpp:2', 'count': 5000}]))
    code, out, err = c.analyze('a.cpp', 'b.cpp', '--evidence=ev.json', '--',
                               '-std=c++20', '-I' + INCLUDE)
    expect(out.count(': warning: ') == 1 and '[confirmed at runtime: 5010 copies]' in out
           and 'a.cpp:2:' in out and 'b.cpp:2:' in out,
           'one finding, the notes and copies of both units', out, err)


def case_report_options_need_the_reporting_run(c):
    c.write('doc.cpp', SOURCE)
    for option in ('--evidence=ev.json', '--cycle-graph=g.dot', '--write-baseline=b.json',
                   '--output=r.txt'):
        code, out, err = c.analyze_source('--emit-facts=facts.json', option)
        expect(code == 2 and 'belongs to the run that reports' in err,
               option + ' with --emit-facts is a usage error', err)
    code, out, err = c.analyze_source('--fix', '--write-baseline=b.json')
    expect(code == 2 and '--fix and --write-baseline cannot be used together' in err,
           '--fix with --write-baseline', err)


def case_real_test_run(c):
    # The whole loop: a GoogleTest program on the tenure runtime writes the
    # evidence, and the analysis of its source reads it back.
    ev = os.path.join(c.work, 'evidence.json')
    env = dict(os.environ, TENURE_EVIDENCE=ev)
    run = subprocess.run([c.args.program], env=env, capture_output=True, text=True)
    expect(run.returncode != 0 and os.path.exists(ev),
           'the leaking tests fail and the evidence is written', run.stdout, run.stderr)
    source = os.path.join(HERE, 'evidence_program.cpp')
    code, out, err = c.analyze('-p', c.args.build_dir, source, '--evidence=' + ev)
    ring = [l for l in out.splitlines() if 'cycle Ring -next-> Ring' in l]
    order = [l for l in out.splitlines() if 'shop::Item -order-> shop::Order' in l]
    cache = [l for l in out.splitlines() if "shop::Catalog::product_cache_' only grows" in l]
    expect(len(order) == 1 and order[0].endswith(
        '[confirmed at runtime: 1 cycle in 1 test] [tenure-ref-cycle]'),
        'the order/item cycle is confirmed', out, err, open(ev).read())
    expect(len(ring) == 1 and '[confirmed at runtime: 1 cycle in 1 test]' in ring[0],
           'a type in an anonymous namespace matches', out, open(ev).read())
    expect(len(cache) == 1 and "[confirmed at runtime: 10 'shop::Product' objects outlived 1 test]"
           in cache[0], 'the growing cache is confirmed', out, open(ev).read())
    expect('(3 confirmed at runtime, 0 runtime-only)' in err, 'summary', err)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--analyzer', required=True)
    parser.add_argument('--program')
    parser.add_argument('--build-dir')
    parser.add_argument('case')
    args = parser.parse_args()
    run_case(globals(), args.case, lambda work: Case(args, work), 'tenure-evidence-')


if __name__ == '__main__':
    main()
