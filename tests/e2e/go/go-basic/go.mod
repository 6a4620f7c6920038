module go-basic

go 1.20

require github.com/vmware-labs/wasm-workers-server v1.3.0

require (
	github.com/tidwall/gjson v1.14.4 // indirect
	github.com/tidwall/match v1.1.1 // indirect
	github.com/tidwall/pretty v1.2.1 // indirect
	github.com/tidwall/sjson v1.2.5 // indirect
)

// The one line added to the original example's go.mod: build against this repository's kit.
replace github.com/vmware-labs/wasm-workers-server => ../../../..
