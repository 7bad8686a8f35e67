#!/usr/bin/env python3
"""Writes one generated TU with N findings of one kind, or the same TU clean.

The per-TU step must stay linear in the number of findings (a 50,000-line
file with 50,000 findings once took 22 times as long as the same file with
none). Each unit is one class with its own finding, on one line:

  copy   a by-value handle parameter that is only read
         (tenure-needless-copy, found in the TU)
  cycle  a class that stores a handle to itself in its own strong member
         (tenure-ref-cycle, found by the merge step)

With --clean the same units have no finding (the parameter by const
reference, the member a weak handle): the same parse, nothing to report.

The handles are a declaration-only stand-in for tenure::Ref and
tenure::Weak, so the file needs no include path and its parse stays cheap:
what grows with N is the analysis, not template instantiation.

Usage: many_findings.py --kind copy|cycle --units N [--clean] OUTPUT.cpp
"""
import argparse

PREAMBLE = '''namespace tenure {
template <class T> class Ref {
public:
  Ref(T *p = nullptr);
  Ref(const Ref &);
  Ref(Ref &&) noexcept;
  Ref &operator=(const Ref &);
  Ref &operator=(Ref &&) noexcept;
  ~Ref();
  T *operator->() const;
  T *get() const;
};
template <class T> class Weak {
public:
  Weak &operator=(const Ref<T> &);
};
} // namespace tenure
'''

UNITS = {
    'copy': 'struct C{n} {{ int v = {n}; }}; '
            'int read{n}({param} p) {{ return p->v; }}\n',
    'cycle': 'struct S{n} {{ tenure::{handle}<S{n}> self; '
             'void close() {{ self = tenure::Ref<S{n}>(this); }} }};\n',
}


def source(kind, units, clean=False):
    def unit(n):
        if kind == 'copy':
            param = ('const tenure::Ref<C{n}> &' if clean
                     else 'tenure::Ref<C{n}>').format(n=n)
            return UNITS[kind].format(n=n, param=param)
        return UNITS[kind].format(n=n, handle='Weak' if clean else 'Ref')
    return PREAMBLE + ''.join(unit(n) for n in range(units))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--kind', choices=sorted(UNITS), required=True)
    parser.add_argument('--units', type=int, required=True)
    parser.add_argument('--clean', action='store_true')
    parser.add_argument('output')
    args = parser.parse_args()
    with open(args.output, 'w') as f:
        f.write(source(args.kind, args.units, args.clean))


if __name__ == '__main__':
    main()
