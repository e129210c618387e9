"""srcdiff benchmark suite: ``python -m benchmarks`` or ``python benchmarks/run.py``.

Nothing is imported here so that thread pinning (``benchmarks/_threads.py``)
happens before NumPy is loaded.
"""
