"""tenure in a Bazel build: the per-unit facts as actions, the report as a rule.

    load("@tenure//:defs.bzl", "tenure_report")

    tenure_report(
        name = "tenure",
        targets = [":app"],      # cc_binary/cc_library/cc_test; their deps too
    )

`bazel build //:tenure` runs, for each C++ source of the targets and of the
cc_* targets of this workspace they depend on, the facts step
`tenure-analyze --emit-facts` as its own action (tenure_facts_aspect), then
merges the facts with `tenure-analyze --merge-facts` into the report
`bazel-bin/tenure.txt` and fails on findings, as `tenure-analyze` does.

Each facts action is a function of its declared inputs only, so Bazel caches
it and remote execution can run it anywhere: its inputs are the source, the
headers the target may include (its CcInfo's compilation context, the same
set its compile action gets), the C++ toolchain's files, the configuration
file and tenure-analyze itself; its command line is the target's compile
flags with execution-root-relative paths; `--relative-paths` makes tenure
compile the source by that relative name (only declared headers are found)
and name files by it in the result. The only absolute paths the step uses are
tenure-analyze's and the system compiler's headers.
"""

load("@bazel_tools//tools/cpp:toolchain_utils.bzl", "find_cpp_toolchain")

TenureFactsInfo = provider(
    doc = "What tenure_facts_aspect made for a target and its dependencies.",
    fields = {
        "facts": "depset of --emit-facts results, one per C++ source",
        "sources": "depset of the sources and headers the facts are about " +
                   "(the merge reads them for NOLINT comments)",
    },
)

_RULES = ["cc_library", "cc_binary", "cc_test"]

_CPP_EXTENSIONS = ["cc", "cpp", "cxx", "c++", "C"]

# The C++ compile action's name, as @bazel_tools//tools/build_defs/cc:action_names.bzl spells it.
_CPP_COMPILE = "c++-compile"

# Flags of GCC that Clang, which tenure parses with, does not take.
_GCC_ONLY_FLAGS = ["-fno-canonical-system-headers"]

_TOOL_ATTRS = {
    "_tenure_analyze": attr.label(
        default = Label("@tenure_tool//:tenure-analyze"),
        executable = True,
        allow_single_file = True,
        cfg = "exec",
    ),
    "_config": attr.label(
        default = Label("@tenure_tool//:config"),
        allow_single_file = True,
    ),
}

def _compile_flags(ctx, target):
    """The target's C++ compile command without source and output, as the
    toolchain builds it: toolchain flags, --copt/--cxxopt, copts, include
    folders and defines."""
    cc_toolchain = find_cpp_toolchain(ctx)
    features = cc_common.configure_features(
        ctx = ctx,
        cc_toolchain = cc_toolchain,
        requested_features = ctx.features,
        unsupported_features = ctx.disabled_features,
    )
    compilation = target[CcInfo].compilation_context
    copts = []
    for copt in getattr(ctx.rule.attr, "copts", []):
        copt = ctx.expand_make_variables("copts", copt, {})
        # The cc rules split each copt as a shell would; without quotes or
        # escapes that is at white space (a quoted one stays whole here).
        if "'" in copt or '"' in copt or "\\" in copt:
            copts.append(copt)
        else:
            copts.extend([part for part in copt.replace("\t", " ").split(" ") if part])
    variables = cc_common.create_compile_variables(
        feature_configuration = features,
        cc_toolchain = cc_toolchain,
        user_compile_flags = ctx.fragments.cpp.copts + ctx.fragments.cpp.cxxopts + copts,
        include_directories = compilation.includes,
        quote_include_directories = compilation.quote_includes,
        system_include_directories = compilation.system_includes,
        framework_include_directories = compilation.framework_includes,
        preprocessor_defines = depset(
            getattr(ctx.rule.attr, "local_defines", []),
            transitive = [compilation.defines],
        ),
    )
    flags = cc_common.get_memory_inefficient_command_line(
        feature_configuration = features,
        action_name = _CPP_COMPILE,
        variables = variables,
    )
    return [flag for flag in flags if flag not in _GCC_ONLY_FLAGS], cc_toolchain

def _is_cpp(file):
    return file.extension in _CPP_EXTENSIONS

def _tenure_facts_aspect_impl(target, ctx):
    transitive_facts = []
    transitive_sources = []
    for dep in getattr(ctx.rule.attr, "deps", []):
        if TenureFactsInfo in dep:
            transitive_facts.append(dep[TenureFactsInfo].facts)
            transitive_sources.append(dep[TenureFactsInfo].sources)

    facts = []
    sources = []
    # This workspace's code only: external repositories are other projects
    # (their headers still reach the facts actions as inputs).
    if (ctx.rule.kind in _RULES and CcInfo in target and
        not target.label.workspace_root):
        flags, cc_toolchain = _compile_flags(ctx, target)
        own = (ctx.rule.files.srcs + getattr(ctx.rule.files, "hdrs", []) +
               getattr(ctx.rule.files, "textual_hdrs", []))
        inputs = depset(
            own + [ctx.file._config],
            transitive = [
                target[CcInfo].compilation_context.headers,
                cc_toolchain.all_files,
            ],
        )
        sources = own
        for src in ctx.rule.files.srcs:
            if not _is_cpp(src):
                continue
            out = ctx.actions.declare_file(
                "%s.tenure/%s.facts.json" % (ctx.label.name, src.short_path),
            )
            args = ctx.actions.args()
            args.add("--emit-facts=" + out.path)
            args.add("--relative-paths")
            args.add("--config-file=" + ctx.file._config.path)
            args.add(src.path)
            args.add("--")
            args.add_all(flags)
            ctx.actions.run(
                executable = ctx.executable._tenure_analyze,
                arguments = [args],
                inputs = inputs,
                outputs = [out],
                mnemonic = "TenureFacts",
                progress_message = "tenure: facts of %s" % src.short_path,
            )
            facts.append(out)

    facts = depset(facts, transitive = transitive_facts)
    return [
        TenureFactsInfo(
            facts = facts,
            sources = depset(sources, transitive = transitive_sources),
        ),
        OutputGroupInfo(tenure_facts = facts),
    ]

tenure_facts_aspect = aspect(
    implementation = _tenure_facts_aspect_impl,
    attr_aspects = ["deps"],
    attrs = dict(_TOOL_ATTRS, _cc_toolchain = attr.label(
        default = Label("@bazel_tools//tools/cpp:current_cc_toolchain"),
    )),
    fragments = ["cpp"],
    doc = "tenure-analyze --emit-facts for each C++ source of the cc_library, " +
          "cc_binary and cc_test targets of this workspace, through deps. " +
          "From the command line: bazel build //... " +
          "--aspects=@tenure//:defs.bzl%tenure_facts_aspect --output_groups=tenure_facts",
)

# The merge, as one shell step: tenure-analyze's exit code decides, and a
# text report that fails the build is shown in its log.
_MERGE = """\
tool="$1" report="$2" format="$3" fail="$4"
shift 4
"$tool" --merge-facts --output="$report" "$@"
status=$?
if [ "$status" -eq 1 ]; then
  if [ "$format" = text ]; then cat "$report"; fi
  if [ "$fail" = 0 ]; then status=0; fi
fi
exit "$status"
"""

_EXTENSIONS = {"text": "txt", "json": "json", "sarif": "sarif"}

def _tenure_report_impl(ctx):
    facts = depset(transitive = [t[TenureFactsInfo].facts for t in ctx.attr.targets])
    sources = depset(transitive = [t[TenureFactsInfo].sources for t in ctx.attr.targets])
    report = ctx.actions.declare_file("%s.%s" % (ctx.label.name, _EXTENSIONS[ctx.attr.format]))
    args = ctx.actions.args()
    args.add(ctx.executable._tenure_analyze)
    args.add(report)
    args.add(ctx.attr.format)
    args.add("1" if ctx.attr.fail_on_findings else "0")
    args.add("--config-file=" + ctx.file._config.path)
    args.add("--format=" + ctx.attr.format)
    extra = [ctx.file._config]
    if ctx.file.baseline:
        args.add("--baseline=" + ctx.file.baseline.path)
        extra.append(ctx.file.baseline)
    if ctx.file.evidence:
        args.add("--evidence=" + ctx.file.evidence.path)
        extra.append(ctx.file.evidence)
    args.add_all(ctx.attr.options)
    args.add_all(facts)
    ctx.actions.run_shell(
        command = _MERGE,
        arguments = [args],
        inputs = depset(extra, transitive = [facts, sources]),
        tools = [ctx.executable._tenure_analyze],
        outputs = [report],
        mnemonic = "TenureReport",
        progress_message = "tenure: analysing %s" % ctx.label,
    )
    return [DefaultInfo(files = depset([report]))]

tenure_report = rule(
    implementation = _tenure_report_impl,
    attrs = dict(_TOOL_ATTRS, **{
        "targets": attr.label_list(
            aspects = [tenure_facts_aspect],
            providers = [CcInfo],
            mandatory = True,
            doc = "cc_library/cc_binary/cc_test targets; their deps in this " +
                  "workspace are analysed too",
        ),
        "format": attr.string(
            default = "text",
            values = ["text", "json", "sarif"],
            doc = "The report's format: <name>.txt, .json or .sarif",
        ),
        "fail_on_findings": attr.bool(
            default = True,
            doc = "A finding that fails the gate fails the build (False: the " +
                  "report is written and the build passes)",
        ),
        "baseline": attr.label(
            allow_single_file = True,
            doc = "tenure-analyze --baseline: accepted findings",
        ),
        "evidence": attr.label(
            allow_single_file = True,
            doc = "tenure-analyze --evidence: runtime evidence to confirm findings",
        ),
        "options": attr.string_list(
            doc = "More options of the merge step, e.g. --fail-on=confirmed",
        ),
    }),
    doc = "Merges the facts of targets' sources into one report; whole-program " +
          "findings (a cycle through types of several files) included.",
)
