// expect: AC
// Calls WASI's path_open (read rights) directly through go:wasmimport on every plausible
// descriptor: nothing is preopened, so each call fails and the program prints only the sum.
package main

import (
	"fmt"
	"unsafe"
)

//go:wasmimport wasi_snapshot_preview1 path_open
func pathOpen(fd int32, dirflags int32, path unsafe.Pointer, pathLen int32, oflags int32, rightsBase int64, rightsInheriting int64, fsflags int32, result unsafe.Pointer) int32

func main() {
	for _, path := range []string{"etc/passwd", "@SECRET_PATH@", "."} {
		p := []byte(path)
		for fd := int32(3); fd < 64; fd++ {
			var opened int32
			if pathOpen(fd, 0, unsafe.Pointer(&p[0]), int32(len(p)), 0, 2, 0, 0, unsafe.Pointer(&opened)) == 0 {
				fmt.Println("opened", path, "at", fd)
				return
			}
		}
	}
	var a, b int64
	fmt.Scan(&a, &b)
	fmt.Println(a + b)
}
