// A Go worker that answers without reading its request (unless READ_REQUEST is set): the
// pre-initialisation, which waits for the first read of stdin, cannot capture it, so wws serves
// it as it is.
package main

import (
	"fmt"
	"io"
	"os"
)

func main() {
	if os.Getenv("READ_REQUEST") != "" {
		io.ReadAll(os.Stdin)
	}
	fmt.Print(`{"data":"answered without reading stdin","status":200,"headers":{},"kv":{},"base64":false}`)
}
