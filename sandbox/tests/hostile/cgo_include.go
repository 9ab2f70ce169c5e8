// expect: CE
// cgo would run a C compiler over the preamble: there is no cgo step, so `import "C"` fails.
package main

/*
#include "/etc/passwd"
#cgo LDFLAGS: -Wl,--version-script=/etc/passwd
*/
import "C"

import "fmt"

func main() {
	fmt.Println(C.int(3))
}
