"""Run a peer library's published test suite (HIPS/autograd's) through srcdiff's
public transforms. See tools/peer_suite.py; the shim package ``shim/autograd``
maps autograd's API onto srcdiff's and never hides a srcdiff failure."""
