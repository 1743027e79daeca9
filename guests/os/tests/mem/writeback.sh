# writeback.sh: dirty file pages written back by sync, dropped only clean.
writeback /pagecache.dat
