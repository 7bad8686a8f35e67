# The commands a newcomer needs. Each one first installs what is missing.
#   make demo   find the example's planted leaks and confirm them at runtime
#   make test   the whole test suite through ctest
#   make bench  benchmarks (release build)
#   make deps   install the Debian packages alone
.PHONY: deps demo test bench clean

deps:
	@./tools/install-deps.sh

demo: deps
	./examples/run-demo.sh

test: deps
	cmake --workflow --preset debug

bench: deps
	cmake --preset release
	cmake --build --preset release --target tenure-bench tenure-gc-bench
	./build/release/bench/tenure-bench
	./build/release/bench/tenure-gc-bench
	cmake --build --preset release --target tenure-alloc-bench
	./build/release/bench/tenure-alloc-bench
	cmake --build --preset release --target analyzer-bench

clean:
	rm -rf build
