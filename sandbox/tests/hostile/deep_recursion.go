// expect: RTE|MLE
// Unbounded recursion: Go grows the goroutine stack until the memory limit refuses it.
package main

import "fmt"

func dive(n int) int {
	var pad [64]int
	pad[n%64] = n
	return dive(n+1) + pad[0]
}

func main() {
	fmt.Println(dive(0))
}
