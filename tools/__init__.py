"""Developer tools for srcdiff (the random-program fuzzer is the package tools/fuzz/)."""
