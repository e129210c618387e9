"""Developer tools for srcdiff (the random-program fuzzer lives in tools/fuzz.py)."""
