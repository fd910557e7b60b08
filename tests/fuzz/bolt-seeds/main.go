// bolt-seeds: writes bbolt files with the real bbolt library (Debian's
// golang-github-coreos-bbolt-dev) for the seeds of tests/fuzz/corpus/bolt.
//
//	bolt-seeds compact SRC DST   copy SRC (containerd's meta.db) into a compact DST
//	bolt-seeds synth DIR         containerd-shaped files: page sizes 512 to 4096, inline
//	                             and page buckets, branch pages, overflow values, deletions
package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	bolt "go.etcd.io/bbolt"
)

func must(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func open(path string, psize int) *bolt.DB {
	os.Remove(path)
	db, err := bolt.Open(path, 0644, &bolt.Options{PageSize: psize, NoFreelistSync: false})
	must(err)
	return db
}

// one containerd-like namespace: n containers, images, labels
func fill(tx *bolt.Tx, ns string, n int, label int) {
	v1, err := tx.CreateBucketIfNotExists([]byte("v1"))
	must(err)
	must(v1.Put([]byte("version"), []byte{3}))
	nsb, err := v1.CreateBucketIfNotExists([]byte(ns))
	must(err)
	imgs, err := nsb.CreateBucketIfNotExists([]byte("images"))
	must(err)
	cs, err := nsb.CreateBucketIfNotExists([]byte("containers"))
	must(err)
	for i := 0; i < 3; i++ {
		name := fmt.Sprintf("docker.io/vigil/img%d:test", i)
		ib, err := imgs.CreateBucketIfNotExists([]byte(name))
		must(err)
		tb, err := ib.CreateBucketIfNotExists([]byte("target"))
		must(err)
		must(tb.Put([]byte("digest"), []byte(fmt.Sprintf("sha256:%064x", i+1))))
		must(tb.Put([]byte("mediatype"), []byte("application/vnd.oci.image.manifest.v1+json")))
		must(tb.Put([]byte("size"), []byte{0xd6, 0x02}))
	}
	for i := 0; i < n; i++ {
		id := fmt.Sprintf("c%d", i)
		if i == 1 {
			id = "c1"
		}
		cb, err := cs.CreateBucketIfNotExists([]byte(id))
		must(err)
		must(cb.Put([]byte("image"), []byte(fmt.Sprintf("docker.io/vigil/img%d:test", i%3))))
		must(cb.Put([]byte("snapshotKey"), []byte(id)))
		rb, err := cb.CreateBucketIfNotExists([]byte("runtime"))
		must(err)
		must(rb.Put([]byte("name"), []byte("io.containerd.runc.v2")))
		if label > 0 {
			lb, err := cb.CreateBucketIfNotExists([]byte("labels"))
			must(err)
			must(lb.Put([]byte("big"), []byte(strings.Repeat("x", label))))
		}
	}
}

func synth(dir string) {
	type spec struct {
		name         string
		psize, n, lb int
		nss          []string
		del          int
	}
	specs := []spec{
		{"p512-branches", 512, 30, 0, []string{"default"}, 0},
		{"p1024-one", 1024, 2, 0, []string{"default"}, 0},
		{"p1024-branches", 1024, 60, 0, []string{"default"}, 0},
		{"p1024-overflow", 1024, 3, 3000, []string{"default"}, 0},
		{"p1024-deleted", 1024, 24, 0, []string{"default"}, 20},
		{"p2048-overflow-deleted", 2048, 6, 5000, []string{"default"}, 3},
		{"p4096-inline", 4096, 2, 0, []string{"default", "k8s.io"}, 0},
		{"p1024-many-ns", 1024, 1, 0, []string{"a", "b", "c", "default", "k8s.io", "moby", "z"}, 0},
	}
	for _, s := range specs {
		db := open(filepath.Join(dir, "synth-"+s.name+".db"), s.psize)
		for _, ns := range s.nss {
			must(db.Update(func(tx *bolt.Tx) error { fill(tx, ns, s.n, s.lb); return nil }))
		}
		if s.del > 0 {
			must(db.Update(func(tx *bolt.Tx) error {
				cs := tx.Bucket([]byte("v1")).Bucket([]byte(s.nss[0])).Bucket([]byte("containers"))
				for i := 2; i < 2+s.del; i++ {
					must(cs.DeleteBucket([]byte(fmt.Sprintf("c%d", i))))
				}
				return nil
			}))
		}
		must(db.Close())
	}
	// a value where a bucket is expected, an empty db
	db := open(filepath.Join(dir, "synth-value-not-bucket.db"), 4096)
	must(db.Update(func(tx *bolt.Tx) error {
		v1, _ := tx.CreateBucket([]byte("v1"))
		must(v1.Put([]byte("default"), []byte("not a bucket")))
		return nil
	}))
	must(db.Close())
	db = open(filepath.Join(dir, "synth-empty.db"), 4096)
	must(db.Close())
}

func main() {
	if len(os.Args) == 4 && os.Args[1] == "compact" {
		src, err := bolt.Open(os.Args[2], 0444, &bolt.Options{ReadOnly: true})
		must(err)
		dst := open(os.Args[3], 4096)
		must(bolt.Compact(dst, src, 1<<20))
		must(dst.Close())
		must(src.Close())
		return
	}
	if len(os.Args) == 3 && os.Args[1] == "synth" {
		synth(os.Args[2])
		return
	}
	fmt.Fprintln(os.Stderr, "usage: bolt-seeds compact SRC DST | synth DIR")
	os.Exit(2)
}
