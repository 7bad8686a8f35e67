#!/bin/sh
# Stand-in for Bazel 4's coverage tools (bazel/offline/README.md).
echo "bazel coverage needs the real @remote_coverage_tools: remove the --override_repository of bazel/offline/remote_coverage_tools (and have network)" >&2
exit 1
