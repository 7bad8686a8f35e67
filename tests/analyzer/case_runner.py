"""What tenure's Python test scripts share: one case per ctest entry, run in
a fresh temporary directory, failing with the context that explains why."""
import shutil
import sys
import tempfile


def expect(condition, message, *context):
    if not condition:
        sys.stderr.write('FAILED: %s\n' % message)
        for c in context:
            sys.stderr.write('--- context ---\n%s\n' % c)
        sys.exit(1)


def run_case(cases, name, make_case, prefix):
    """Calls cases['case_' + name] with make_case(work directory)."""
    work = tempfile.mkdtemp(prefix=prefix)
    try:
        cases['case_' + name](make_case(work))
    finally:
        shutil.rmtree(work, ignore_errors=True)
