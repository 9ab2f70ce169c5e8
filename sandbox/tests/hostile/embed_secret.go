// expect: CE
// go:embed reads files at build time: the compiler gets no embed configuration, and the path is
// outside the job directory anyway.
package main

import (
	_ "embed"
	"fmt"
)

//go:embed @SECRET_PATH@
var secret string

func main() {
	fmt.Print(secret)
}
