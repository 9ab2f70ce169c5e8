// expect: TLE
// A tight loop with no function calls: fuel stops it, not Go's preemption.
package main

var sink uint64

func main() {
	x := uint64(1)
	for {
		x = x*6364136223846793005 + 1442695040888963407
		sink = x
	}
}
