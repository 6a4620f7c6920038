// The Go kit (kits/go/worker) keeps the original Wasm Workers Server's import path, so a worker
// written for it builds against this repository with one line in its go.mod:
//   replace github.com/vmware-labs/wasm-workers-server => /path/to/this/repository
module github.com/vmware-labs/wasm-workers-server

go 1.20
