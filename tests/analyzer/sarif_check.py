"""A SARIF 2.1.0 validator written from the OASIS specification's rules, for
the part of the format tenure-analyze writes: required properties,
enumerations, minimums (startLine >= 1, ...), no property the specification
does not define (its schema closes every object but property bags), and the
URI rules of sections 3.4.3-3.4.4 and 3.14.14 (a uri is an RFC 3986 reference,
percent-encoded; with a uriBaseId it is relative; an originalUriBaseIds entry
is absolute and ends with '/').

validate(log) returns the list of problems, each 'path: what is wrong'; an
empty list means valid."""
import re

LEVELS = ('none', 'note', 'warning', 'error')
KINDS = ('notApplicable', 'pass', 'fail', 'review', 'open', 'informational')

# An RFC 3986 URI reference: only unreserved, reserved and percent-escapes.
URI_CHARS = re.compile(r"^(?:[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=]|%[0-9A-Fa-f]{2})*$")
SCHEME = re.compile(r'^[A-Za-z][A-Za-z0-9+.\-]*:')


def _int(minimum):
    return ('int', minimum)


# kind -> (properties {name: spec}, required, one of these required)
# A spec is 'str', 'bool', ('int', minimum), ('enum', values), 'bag' (a
# property bag or a map of strings), an object kind name, or ['kind'] for
# an array of that kind (('unique', kind) when the items must differ).
OBJECTS = {
    'sarifLog': ({'$schema': 'uri', 'version': ('enum', ('2.1.0',)),
                  'runs': ['run'], 'properties': 'bag'}, ('version', 'runs'), ()),
    'run': ({'tool': 'tool', 'invocations': ['invocation'], 'results': ['result'],
             'originalUriBaseIds': 'uriBaseIds', 'columnKind':
             ('enum', ('utf16CodeUnits', 'unicodeCodePoints')), 'properties': 'bag'},
            ('tool',), ()),
    'tool': ({'driver': 'toolComponent', 'properties': 'bag'}, ('driver',), ()),
    'toolComponent': ({'name': 'str', 'version': 'str', 'semanticVersion': 'str',
                       'fullName': 'str', 'informationUri': 'uri',
                       'rules': ('unique', 'reportingDescriptor'), 'properties': 'bag'},
                      ('name',), ()),
    'reportingDescriptor': ({'id': 'str', 'name': 'str',
                             'shortDescription': 'multiformatMessageString',
                             'fullDescription': 'multiformatMessageString',
                             'help': 'multiformatMessageString', 'helpUri': 'uri',
                             'defaultConfiguration': 'reportingConfiguration',
                             'properties': 'bag'}, ('id',), ()),
    'reportingConfiguration': ({'enabled': 'bool', 'level': ('enum', LEVELS),
                                'properties': 'bag'}, (), ()),
    'multiformatMessageString': ({'text': 'str', 'markdown': 'str', 'properties': 'bag'},
                                 ('text',), ()),
    'message': ({'text': 'str', 'markdown': 'str', 'id': 'str', 'properties': 'bag'},
                (), ('text', 'id')),
    'invocation': ({'executionSuccessful': 'bool', 'exitCode': _int(None),
                    'commandLine': 'str', 'workingDirectory': 'artifactLocation',
                    'toolExecutionNotifications': ['notification'],
                    'toolConfigurationNotifications': ['notification'],
                    'properties': 'bag'}, ('executionSuccessful',), ()),
    'notification': ({'message': 'message', 'level': ('enum', LEVELS),
                      'locations': ('unique', 'location'), 'properties': 'bag'},
                     ('message',), ()),
    'result': ({'ruleId': 'str', 'ruleIndex': _int(-1), 'kind': ('enum', KINDS),
                'level': ('enum', LEVELS), 'message': 'message',
                'locations': ['location'], 'relatedLocations': ('unique', 'location'),
                'partialFingerprints': 'bag', 'fingerprints': 'bag',
                'fixes': ('unique', 'fix'), 'properties': 'bag'}, ('message',), ()),
    'location': ({'id': _int(-1), 'physicalLocation': 'physicalLocation',
                  'message': 'message', 'properties': 'bag'}, (), ()),
    'physicalLocation': ({'artifactLocation': 'artifactLocation', 'region': 'region',
                          'properties': 'bag'}, (), ('artifactLocation',)),
    'artifactLocation': ({'uri': 'uriRef', 'uriBaseId': 'str', 'index': _int(-1),
                          'description': 'message', 'properties': 'bag'}, (), ()),
    'region': ({'startLine': _int(1), 'startColumn': _int(1), 'endLine': _int(1),
                'endColumn': _int(1), 'charOffset': _int(-1), 'charLength': _int(0),
                'byteOffset': _int(-1), 'byteLength': _int(0), 'properties': 'bag'},
               (), ('startLine', 'charOffset', 'byteOffset')),
    'fix': ({'description': 'message', 'artifactChanges': ('nonempty', 'artifactChange'),
             'properties': 'bag'}, ('artifactChanges',), ()),
    'artifactChange': ({'artifactLocation': 'artifactLocation',
                        'replacements': ('nonempty', 'replacement'), 'properties': 'bag'},
                       ('artifactLocation', 'replacements'), ()),
    'replacement': ({'deletedRegion': 'region', 'insertedContent': 'artifactContent',
                     'properties': 'bag'}, ('deletedRegion',), ()),
    'artifactContent': ({'text': 'str', 'properties': 'bag'}, (), ()),
}


def _uri_problem(value, absolute):
    if not isinstance(value, str):
        return 'not a string'
    if not URI_CHARS.match(value):
        return 'not a percent-encoded URI reference: %r' % value
    if absolute and not SCHEME.match(value):
        return 'not an absolute URI: %r' % value
    if value.startswith('file:'):
        rest = value[len('file:'):]
        # file:///abs/path or file:/abs/path; 'file://' alone names nothing
        # and 'file://src/x.cpp' names host 'src'.
        if not (rest.startswith('///') or (rest.startswith('/') and not rest.startswith('//'))):
            return 'a file URI without an absolute path: %r' % value
    return None


def validate(log):
    problems = []

    def check(value, spec, path):
        if isinstance(spec, list) or (isinstance(spec, tuple) and spec[0] in ('unique', 'nonempty')):
            kind = spec[0] if isinstance(spec, list) else spec[1]
            if not isinstance(value, list):
                problems.append('%s: not an array' % path)
                return
            if isinstance(spec, tuple) and spec[0] == 'nonempty' and not value:
                problems.append('%s: needs at least one item' % path)
            if isinstance(spec, tuple) and spec[0] == 'unique':
                seen = [repr(sorted(v.items())) if isinstance(v, dict) else repr(v) for v in value]
                if len(set(seen)) != len(seen):
                    problems.append('%s: items must be unique' % path)
            for i, item in enumerate(value):
                check(item, kind, '%s[%d]' % (path, i))
        elif spec == 'str':
            if not isinstance(value, str):
                problems.append('%s: not a string' % path)
        elif spec == 'bool':
            if not isinstance(value, bool):
                problems.append('%s: not a boolean' % path)
        elif spec == 'bag':
            if not isinstance(value, dict):
                problems.append('%s: not an object' % path)
        elif spec in ('uri', 'uriRef'):
            problem = _uri_problem(value, absolute=spec == 'uri')
            if problem:
                problems.append('%s: %s' % (path, problem))
        elif spec == 'uriBaseIds':
            if not isinstance(value, dict):
                problems.append('%s: not an object' % path)
                return
            for name, location in value.items():
                check(location, 'artifactLocation', '%s.%s' % (path, name))
                uri = location.get('uri', '') if isinstance(location, dict) else ''
                if 'uriBaseId' not in location and (_uri_problem(uri, True) or not uri.endswith('/')):
                    problems.append('%s.%s.uri: must be an absolute URI ending with "/": %r'
                                    % (path, name, uri))
        elif isinstance(spec, tuple) and spec[0] == 'int':
            if not isinstance(value, int) or isinstance(value, bool):
                problems.append('%s: not an integer' % path)
            elif spec[1] is not None and value < spec[1]:
                problems.append('%s: %d is less than the minimum %d' % (path, value, spec[1]))
        elif isinstance(spec, tuple) and spec[0] == 'enum':
            if value not in spec[1]:
                problems.append('%s: %r is not one of %s' % (path, value, ', '.join(spec[1])))
        else:
            properties, required, one_of = OBJECTS[spec]
            if not isinstance(value, dict):
                problems.append('%s: not an object (%s)' % (path, spec))
                return
            for name in required:
                if name not in value:
                    problems.append('%s: missing required property %r' % (path, name))
            if one_of and not any(name in value for name in one_of):
                problems.append('%s: needs one of %s' % (path, ', '.join(one_of)))
            for name, item in value.items():
                if name not in properties:
                    problems.append('%s: property %r is not defined for a %s' % (path, name, spec))
                else:
                    check(item, properties[name], '%s.%s' % (path, name))
            if spec == 'artifactLocation' and 'uriBaseId' in value and \
                    SCHEME.match(value.get('uri', '')):
                problems.append('%s.uri: must be relative when uriBaseId is given' % path)
            if spec == 'result' and 'ruleIndex' in value:
                problems.extend(_rule_index_problems(log, value, path))

    check(log, 'sarifLog', '$')
    return problems


def _rule_index_problems(log, result, path):
    """A ruleIndex (-1: none) names the rule of the result's ruleId."""
    try:
        rules = log['runs'][0]['tool']['driver'].get('rules', [])
    except (KeyError, IndexError, TypeError, AttributeError):
        return []  # Reported as a missing property already.
    index = result['ruleIndex']
    if not isinstance(index, int) or index < 0:
        return []
    if index >= len(rules) or ('ruleId' in result and
                               rules[index].get('id') != result['ruleId']):
        return ['%s.ruleIndex: %d does not name rule %r' % (path, index, result.get('ruleId'))]
    return []
