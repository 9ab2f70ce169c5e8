// expect: MLE|TLE|RTE
// Goroutines that never finish, each holding a growing stack: the memory limiter or fuel ends it.
package main

func hold(depth int, done chan int) int {
	var pad [256]byte
	pad[depth%256] = byte(depth)
	if depth > 0 {
		return hold(depth-1, done) + int(pad[0])
	}
	<-done
	return 0
}

func main() {
	done := make(chan int)
	for {
		go hold(64, done)
	}
}
