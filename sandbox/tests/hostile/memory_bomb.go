// expect: MLE
// Maps and slices of ever larger size, kept alive so the collector cannot reclaim them.
package main

var keep []map[int][]int64

func main() {
	for size := 1; ; size *= 2 {
		m := make(map[int][]int64)
		for i := 0; i < 64; i++ {
			m[i] = make([]int64, size)
		}
		keep = append(keep, m)
	}
}
