# Workers written with the Rust and Go kits, compiled during the build (tests, examples, bench).
# Rust: scripts/rust-workers.sh (Debian's rustc 1.63 for wasm32-wasi, crates pinned by
# Cargo.lock and vendored under ~/.cache/wws). Go: the machine's Go (>= 1.21), GOOS=wasip1;
# its build cache (~/.cache/go-build) makes rebuilds cheap.
set(WWS_GO_KIT_SOURCES ${CMAKE_SOURCE_DIR}/go.mod)
file(GLOB WWS_GO_KIT_FILES CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/kits/go/worker/*.go)
list(APPEND WWS_GO_KIT_SOURCES ${WWS_GO_KIT_FILES})
file(GLOB_RECURSE WWS_RUST_KIT_SOURCES CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/kits/rust/*.rs
     ${CMAKE_SOURCE_DIR}/kits/rust/*.toml)
list(APPEND WWS_RUST_KIT_SOURCES ${CMAKE_SOURCE_DIR}/Cargo.toml ${CMAKE_SOURCE_DIR}/Cargo.lock
     ${CMAKE_SOURCE_DIR}/scripts/rust-workers.sh)
find_program(GO_EXECUTABLE go PATHS /usr/local/go/bin /usr/lib/go/bin REQUIRED)

# wws_rust_workers(<target> <out_dir> <crate_dir>...): builds every crate (a member of the
# workspace in ./Cargo.toml) in one cargo run, to <out_dir>/<package name>.wasm.
function(wws_rust_workers name out_dir)
  set(outputs)
  set(packages)
  set(depends ${WWS_RUST_KIT_SOURCES})
  foreach(crate ${ARGN})
    file(STRINGS ${crate}/Cargo.toml package_line REGEX "^name = ")
    list(GET package_line 0 package_line)
    string(REGEX REPLACE "^name = \"([^\"]+)\".*" "\\1" package ${package_line})
    list(APPEND packages ${package})
    list(APPEND outputs ${out_dir}/${package}.wasm)
    file(GLOB_RECURSE crate_sources CONFIGURE_DEPENDS ${crate}/*.rs ${crate}/Cargo.toml)
    list(APPEND depends ${crate_sources})
  endforeach()
  add_custom_command(OUTPUT ${outputs}
    COMMAND ${CMAKE_SOURCE_DIR}/scripts/rust-workers.sh ${CMAKE_BINARY_DIR}/rust ${out_dir} ${packages}
    DEPENDS ${depends}
    COMMENT "cargo (Debian rustc, wasm32-wasi): ${packages}" VERBATIM)
  add_custom_target(${name} ALL DEPENDS ${outputs})
endfunction()

# wws_go_worker(<target> <package_dir> <output.wasm>): `go build` of one main package, inside
# its own module when the folder has a go.mod, else inside this repository's module.
function(wws_go_worker name dir out)
  get_filename_component(out_dir ${out} DIRECTORY)
  file(GLOB sources CONFIGURE_DEPENDS ${dir}/*.go ${dir}/go.mod ${dir}/go.sum)
  add_custom_command(OUTPUT ${out}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${out_dir}
    COMMAND ${CMAKE_COMMAND} -E env GOOS=wasip1 GOARCH=wasm GOTOOLCHAIN=local GOFLAGS=-mod=readonly
            ${GO_EXECUTABLE} build -trimpath "-ldflags=-s -w" -o ${out} .
    WORKING_DIRECTORY ${dir}
    DEPENDS ${sources} ${WWS_GO_KIT_SOURCES}
    COMMENT "go (wasip1): ${dir}" VERBATIM)
  add_custom_target(${name} ALL DEPENDS ${out})
endfunction()

# The Rust kit's own unit tests (JSON, base64), natively with Debian's toolchain and the crates
# vendored by the worker builds (which run first: the test needs <build>/rust/cargo-home).
add_test(NAME kit_rust_unit
  COMMAND ${CMAKE_COMMAND} -E env RUSTC=/usr/bin/rustc RUSTDOC=/usr/bin/rustdoc
          CARGO_HOME=${CMAKE_BINARY_DIR}/rust/cargo-home CARGO_TARGET_DIR=${CMAKE_BINARY_DIR}/rust/host-target
          /usr/bin/cargo test --offline --locked --quiet --lib -p wasm-workers-rs
  WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
