// expect: OLE
package main

import (
	"bufio"
	"os"
)

func main() {
	out := bufio.NewWriterSize(os.Stdout, 1<<16)
	for {
		out.WriteString("3 3 3 3 3 3 3 3 3 3 3 3 3 3 3 3 3 3 3 3 3 3 3 3 3 3 3 3 3 3\n")
	}
}
