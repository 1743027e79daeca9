# pagecache.sh: a file read through the page cache twice, then dropped.
pagecache /pagecache.dat
