{
  "targets": [
    {
      "target_name": "archivist_mmap",
      "sources": ["mmap.c"],
      "cflags": ["-O2", "-Wall"]
    }
  ]
}
